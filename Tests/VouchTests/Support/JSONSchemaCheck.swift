import Foundation
import XCTest

/// Validates documents against an official JSON schema under ../shared/data/schemas with
/// python-jsonschema (format checks on), in one process; returns each document's verdict line
/// (`VALID` or `INVALID path: message`). Skips when jsonschema is not installed.
enum JSONSchemaCheck {
    static func validate(_ documents: [Data], schema relative: String, suffix: String) throws -> [String] {
        let python = try OutsideTool.venvTool("python")
        let (probe, _) = try OutsideTool.run(python, ["-c", "import jsonschema"])
        if probe != 0 { throw XCTSkip("python jsonschema is not installed in \(OutsideTool.venv) (pip install jsonschema)") }
        let schema = try SharedData.path(relative)
        let dir = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            cls = jsonschema.validators.validator_for(schema)
            validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
            for path in sys.argv[2:]:
                errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: [str(p) for p in e.path])
                print("VALID" if not errors else "INVALID " + "; ".join("/".join(map(str, e.path)) + ": " + e.message[:200] for e in errors[:3]))
            """
        let files = try documents.enumerated().map { i, data -> String in
            let file = dir.appendingPathComponent("\(i)\(suffix)")
            try data.write(to: file)
            return file.path
        }
        let (status, output) = try OutsideTool.run(python, ["-c", script, schema] + files)
        let lines = output.split(separator: "\n").map(String.init)
        guard status == 0, lines.count == files.count else {
            XCTFail("validator did not run: \(output)")
            return []
        }
        return lines
    }
}
