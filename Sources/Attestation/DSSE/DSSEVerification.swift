import Foundation

/// Why an envelope did not verify.
public enum DSSEVerificationFailure: Equatable, Sendable, CustomStringConvertible {
    case noSignatures
    case noTrustedKeys
    case invalidThreshold(Int)
    case noSignatureVerifies(keysTried: Int)
    case thresholdNotMet(distinctKeys: Int, threshold: Int)

    public var description: String {
        switch self {
        case .noSignatures: return "no signatures"
        case .noTrustedKeys: return "no trusted keys to verify with"
        case .invalidThreshold(let t): return "threshold must be at least 1 (got \(t))"
        case .noSignatureVerifies(let n): return "no signature verifies with the trusted keys (\(n) tried)"
        case .thresholdNotMet(let k, let t): return "only \(k) of threshold \(t) distinct keys verified"
        }
    }
}

/// The outcome of `DSSEEnvelope.verify`: per signature, which trusted key verified it or why
/// none did, and the distinct trusted keys that verified.
public struct DSSEVerificationResult: Sendable, CustomStringConvertible {
    public struct SignatureCheck: Sendable {
        /// Position in the envelope's `signatures`.
        public let index: Int
        /// The signature's `keyid` as written (a hint, never trusted).
        public let keyid: String?
        /// The trusted key whose verification succeeded, if any.
        public let verifiedBy: PublicKey?
        /// Why the signature does not count (nil when it counted towards the threshold).
        public let problem: String?
    }

    public let checks: [SignatureCheck]
    /// Distinct trusted keys that verified at least one signature, in signature order.
    public let verifyingKeys: [PublicKey]
    public let threshold: Int
    public let failure: DSSEVerificationFailure?

    public var isVerified: Bool { failure == nil }
    public var description: String {
        failure.map { "not verified: \($0)" }
            ?? "verified by \(verifyingKeys.count) of threshold \(threshold) keys (\(verifyingKeys.map(\.description).joined(separator: ", ")))"
    }
}

extension DSSEEnvelope {
    /// Checks the signatures over `DSSE.pae(payloadType, payload)` against `keys` and succeeds
    /// when at least `threshold` distinct trusted keys verified one. A key that signed twice counts
    /// once, and a key listed twice in `keys` is one key. `keyid` only orders which trusted key is
    /// tried first. RSA signatures are accepted with any padding in `rsaPaddings`.
    /// This checks signatures only: the caller still checks `payloadType` and the payload itself.
    public func verify(trusting keys: [PublicKey], threshold: Int = 1,
                       rsaPaddings: Set<RSAPadding> = Set(RSAPadding.allCases)) -> DSSEVerificationResult {
        var trusted: [PublicKey] = []
        for key in keys where !trusted.contains(key) { trusted.append(key) }

        func result(_ checks: [SignatureCheck], _ verifying: [PublicKey], _ failure: DSSEVerificationFailure?) -> DSSEVerificationResult {
            DSSEVerificationResult(checks: checks, verifyingKeys: verifying, threshold: threshold, failure: failure)
        }
        typealias SignatureCheck = DSSEVerificationResult.SignatureCheck
        guard threshold >= 1 else { return result([], [], .invalidThreshold(threshold)) }
        guard !signatures.isEmpty else { return result([], [], .noSignatures) }
        guard !trusted.isEmpty else { return result([], [], .noTrustedKeys) }

        let message = DSSE.pae(payloadType: payloadType, payload: payload)
        var checks: [SignatureCheck] = []
        var verifying: [PublicKey] = []
        var firstSignatureOf: [PublicKey: Int] = [:]
        for (index, signature) in signatures.enumerated() {
            guard !signature.sig.isEmpty else {
                checks.append(SignatureCheck(index: index, keyid: signature.keyid, verifiedBy: nil, problem: "empty signature"))
                continue
            }
            // The hint only puts the matching key first; every trusted key is still tried.
            let ordered = trusted.filter { $0.keyID == signature.keyid } + trusted.filter { $0.keyID != signature.keyid }
            guard let key = ordered.first(where: { $0.verify(signature: signature.sig, for: message, rsaPaddings: rsaPaddings) }) else {
                checks.append(SignatureCheck(index: index, keyid: signature.keyid, verifiedBy: nil,
                                             problem: "no trusted key verifies it (\(trusted.count) tried)"))
                continue
            }
            if let first = firstSignatureOf[key] {
                checks.append(SignatureCheck(index: index, keyid: signature.keyid, verifiedBy: key,
                                             problem: "same key as signature \(first), counted once"))
            } else {
                firstSignatureOf[key] = index
                verifying.append(key)
                checks.append(SignatureCheck(index: index, keyid: signature.keyid, verifiedBy: key, problem: nil))
            }
        }
        if verifying.isEmpty { return result(checks, verifying, .noSignatureVerifies(keysTried: trusted.count)) }
        if verifying.count < threshold {
            return result(checks, verifying, .thresholdNotMet(distinctKeys: verifying.count, threshold: threshold))
        }
        return result(checks, verifying, nil)
    }
}
