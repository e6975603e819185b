/// What became of one statement: applied to which findings, or the first reason it did not apply.
public struct VEXExplanation: Sendable, Equatable {
    public var statement: VEXStatement
    /// `libc6 2.36-9+deb12u4 CVE-2023-4911` for every finding this statement decided.
    public var appliedTo: [String]
    /// Findings it matched but a later statement decided: `libc6 … (by app.vex.json statement 2)`.
    public var overriddenOn: [String]
    /// Why it applied to nothing; nil when it applied somewhere.
    public var reason: String?

    public var applied: Bool { !appliedTo.isEmpty }

    /// One line (plus continuation lines) for `--explain-vex`, every line starting with `indent`.
    public func text(indent: String = "") -> String {
        var head = "\(statement.label) \(statement.status.rawValue)"
        if let j = statement.justification { head += " [\(j.rawValue)]" }
        guard applied else { return indent + "not applied  " + head + ": " + (reason ?? "no reason recorded") + "\n" }
        let more = indent + String(repeating: " ", count: 15)
        var out = indent + "applied      " + head + "\n"
        for a in appliedTo { out += more + "→ \(a)\n" }
        for o in overriddenOn { out += more + "overridden on \(o)\n" }
        return out
    }
}
