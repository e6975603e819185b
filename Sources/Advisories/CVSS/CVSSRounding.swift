import Foundation

/// The rounding rules of the CVSS versions, kept apart because they are where implementations disagree.
enum CVSSRounding {
    /// CVSS v3.1 `Roundup` (specification Appendix A): the smallest one-decimal number at or above the
    /// input, computed on the input rounded to 5 decimals in integers, so that floating-point noise such as
    /// 5.0 × 0.92 = 4.6000000000000005 gives 4.6 and not 4.7.
    static func roundUp31(_ input: Double) -> Double {
        guard input.isFinite, input > 0 else { return 0 }
        let intInput = Int((min(input, 1_000) * 100_000).rounded())
        if intInput % 10_000 == 0 { return Double(intInput) / 100_000 }
        return Double(intInput / 10_000 + 1) / 10
    }

    /// CVSS v3.0 "Round up": the smallest one-decimal number at or above the input, nothing more
    /// (no 5-decimal tolerance, so a true 4.000001 still goes to 4.1 as v3.0 scores it). Only
    /// binary floating-point noise is removed first (the input snapped to 10 decimals): the formula's
    /// exact values never lie that close above a tenth without lying on it, and v3.0's own
    /// `Math.ceil` calculator scored 5.0 × 0.92 as 4.7 only through that noise.
    static func roundUp30(_ input: Double) -> Double {
        guard input.isFinite, input > 0 else { return 0 }
        let snapped = Int((min(input, 1_000) * 10_000_000_000).rounded())
        return Double((snapped + 999_999_999) / 1_000_000_000) / 10
    }

    /// CVSS v2 `round_to_1_decimal`: half up, on exact decimal values (v2 temporal scores hit exact
    /// ties such as 4.25, which binary doubles would round either way).
    static func roundHalfUp1(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 1, .plain)
        return result
    }

    static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }
}
