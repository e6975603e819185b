/// A hand-written matcher for PEP 440's canonical regular expression (Appendix B), working on bytes.
/// Optional parts are tried greedily in the regex's order; a part that does not match leaves the
/// position where it was, as the regex's backtracking would.
struct PEP440Parser {
    struct Parsed {
        var epoch = Numeral.zero
        var release: [Numeral] = []
        var pre: (phase: PEP440Version.Phase, number: Numeral)?
        var post: Numeral?
        var dev: Numeral?
        var local: [PEP440Version.LocalPart]?
    }

    private let s: ArraySlice<UInt8>
    private var i: Int

    init(_ bytes: [UInt8]) {
        let body = VersionText.trimmed(bytes)
        s = ArraySlice(body.map(VersionText.lower))
        i = s.startIndex
    }

    // In the regex's alternation order: the first spelling that matches wins.
    private static let preLabels = ["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"]
    private static let prePhases: [PEP440Version.Phase] = [.alpha, .alpha, .beta, .beta, .candidate, .candidate, .candidate, .candidate]
    private static let postLabels = ["post", "rev", "r"]
    private static let devLabels = ["dev"]

    mutating func parse() -> Parsed? {
        var out = Parsed()
        if peek == UInt8(ascii: "v") { i += 1 }
        guard let first = digits() else { return nil }
        if peek == UInt8(ascii: "!") {
            i += 1
            out.epoch = first
            guard let number = digits() else { return nil }
            out.release = [number]
        } else {
            out.release = [first]
        }
        while peek == UInt8(ascii: "."), i + 1 < s.endIndex, VersionText.isDigit(s[i + 1]) {
            i += 1
            if let number = digits() { out.release.append(number) }
        }
        out.pre = preRelease()
        out.post = postRelease()
        out.dev = devRelease()
        if peek == UInt8(ascii: "+") {
            i += 1
            guard let local = localLabel() else { return nil }
            out.local = local
        }
        return i == s.endIndex ? out : nil
    }

    private var peek: UInt8? { i < s.endIndex ? s[i] : nil }

    private static func isSeparator(_ c: UInt8?) -> Bool {
        c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }

    private mutating func digits() -> Numeral? {
        let end = VersionText.run(s, from: i, while: VersionText.isDigit)
        guard end > i else { return nil }
        defer { i = end }
        return Numeral(digits: s[i..<end])
    }

    private mutating func word(_ spelling: String) -> Bool {
        let bytes = spelling.utf8
        guard s.endIndex - i >= bytes.count, s[i..<(i + bytes.count)].elementsEqual(bytes) else { return false }
        i += bytes.count
        return true
    }

    /// `[-_.]? label [-_.]? N?` with the number defaulting to 0; restores the position when the label is absent.
    private mutating func labelled(_ labels: [String]) -> (label: Int, number: Numeral)? {
        let start = i
        if Self.isSeparator(peek) { i += 1 }
        guard let found = labels.firstIndex(where: { word($0) }) else { i = start; return nil }
        // A separator with no number after it stays consumed, as in the regex.
        if Self.isSeparator(peek) { i += 1 }
        return (found, digits() ?? .zero)
    }

    private mutating func preRelease() -> (phase: PEP440Version.Phase, number: Numeral)? {
        guard let (label, number) = labelled(Self.preLabels) else { return nil }
        return (Self.prePhases[label], number)
    }

    private mutating func postRelease() -> Numeral? {
        // The implicit form `1.0-1`.
        if peek == UInt8(ascii: "-"), i + 1 < s.endIndex, VersionText.isDigit(s[i + 1]) {
            i += 1
            return digits()
        }
        return labelled(Self.postLabels)?.number
    }

    private mutating func devRelease() -> Numeral? { labelled(Self.devLabels)?.number }

    /// `[a-z0-9]+([-_.][a-z0-9]+)*`, normalised to dot-separated parts.
    private mutating func localLabel() -> [PEP440Version.LocalPart]? {
        var parts: [PEP440Version.LocalPart] = []
        while true {
            let end = VersionText.run(s, from: i, while: VersionText.isAlnum)
            guard end > i else { return nil }
            let run = s[i..<end]
            parts.append(run.allSatisfy(VersionText.isDigit) ? .number(Numeral(digits: run)) : .word(Array(run)))
            i = end
            guard Self.isSeparator(peek) else { return parts }
            i += 1
        }
    }
}
