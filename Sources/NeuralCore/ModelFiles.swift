import Foundation
import JSONScanning

/// The steps every model load shares: a `Codable` configuration read with errors that name the file and the field,
/// then validated; the weights file opened; every tensor taken with its shape checked (``WeightReader``).
/// Package-internal: the detector and CLIP load through it.
package enum ModelFiles {
    /// The bytes of `path`, or ``ModelError/file(_:_:)`` naming it.
    package static func data(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.file(path, "missing") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelError.file(path, "cannot read: \(error.localizedDescription)")
        }
    }

    /// `data` decoded as `T` with `JSONDecoder`, after DetectKit's strict scanner has checked the document (so
    /// a syntax error names its line and column); a document that does not fit is ``ModelError/file(_:_:)``
    /// naming `source` and the field (`text_config.hidden_size: expected a number`), not Foundation's generic
    /// message. Integer fields should be ``ConfigInteger``, which names a fractional or huge value.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws -> T {
        var scanner = JSONScanner(data)
        do {
            _ = try scanner.value()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("unexpected data after the document") }
        } catch let error as JSONScanner.SyntaxError {
            let (line, column) = scanner.location(error.offset)
            throw ModelError.file(source, "not valid JSON at line \(line), column \(column): \(error.message)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.file(source, describe(error))
        }
    }

    /// The weights file at `path`, ready to be read tensor by tensor.
    package static func weights(_ path: String) throws -> WeightReader {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.file(path, "missing") }
        do {
            return WeightReader(file: try SafeTensors(contentsOf: path))
        } catch {
            throw ModelError.file(path, "\(error)")
        }
    }

    /// A decoding error in a user's words: the field's dotted path and what it should have been.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            (context.codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
        }
        func expected(_ type: Any.Type) -> String {
            switch type {
            case is Int.Type, is Int32.Type, is Int64.Type, is UInt8.Type: return "an integer"
            case is Double.Type, is Float.Type, is ConfigInteger.Type: return "a number"
            case is String.Type: return "a string"
            case is Bool.Type: return "true or false"
            case is [Any].Type: return "an array"
            default: return String(describing: type).hasPrefix("Array") ? "an array" : "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(path(context, key))\""
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(expected(type))"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(expected(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let reason = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "not valid JSON: \(reason ?? context.debugDescription)"
            }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// An integer field of a model configuration, read as a JSON number and refused, naming the field, when it has a
/// fraction or is beyond ±2^53 (`JSONDecoder` would only say that the data is not valid).
package struct ConfigInteger: Decodable, Sendable, Equatable {
    /// The value.
    package let value: Int

    /// Decodes a whole number.
    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let number = try container.decode(Double.self)
        guard number == number.rounded(), abs(number) <= 9_007_199_254_740_992 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer, found \(number)")
        }
        value = Int(number)
    }
}
