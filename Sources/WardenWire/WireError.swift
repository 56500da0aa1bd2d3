import Warden
import WardenEngine
import WardenModel
import WardenStore

/// An error as OpenFGA's HTTP API reports it: a status and a `{"code", "message"}` body. One table maps every
/// error Warden raises to OpenFGA's code and status, so every transport (HTTP today) answers alike.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// The `{"code", "message"}` body.
    public var json: JSONValue { .object([("code", .string(code)), ("message", .string(message))]) }

    /// A malformed request (OpenFGA's `validation_error`, 400).
    public static func validation(_ message: String) -> WireError {
        WireError(status: 400, code: "validation_error", message: message)
    }

    public static func notFound(_ message: String) -> WireError {
        WireError(status: 404, code: "undefined_endpoint", message: message)
    }

    /// OpenFGA's code and status for any error Warden raises.
    public static func from(_ error: any Error) -> WireError {
        switch error {
        case let wire as WireError: return wire
        case let store as StoreError: return from(store)
        case let check as CheckError: return from(check)
        case let tuple as InvalidTupleError:
            return WireError(status: 400, code: "validation_error", message: tuple.description)
        case let reference as TupleReferenceError:
            return WireError(status: 400, code: "validation_error", message: reference.description)
        case let model as ModelError:
            let first = model.diagnostics.first { $0.severity == .error }?.message ?? "\(model)"
            return WireError(status: 400, code: "invalid_authorization_model", message: first)
        case let diagnostic as Diagnostic:
            return WireError(status: 400, code: "validation_error", message: diagnostic.message)
        default:
            return WireError(status: 500, code: "internal_error", message: "Internal Server Error")
        }
    }

    static func from(_ error: StoreError) -> WireError {
        switch error.code {
        case .storeNotFound: WireError(status: 404, code: "store_id_not_found", message: "store not found")
        case .modelNotFound: WireError(status: 404, code: "authorization_model_not_found", message: error.message)
        case .tupleExists, .tupleNotFound, .duplicateInBatch, .invalidTuple:
            WireError(status: 400, code: "write_failed_due_to_invalid_input", message: error.message)
        case .invalidContinuationToken: WireError(status: 400, code: "invalid_continuation_token", message: error.message)
        case .invalidArgument: WireError(status: 400, code: "validation_error", message: error.message)
        case .corrupted, .storage, .formatMismatch: WireError(status: 500, code: "internal_error", message: "Internal Server Error")
        }
    }

    static func from(_ error: CheckError) -> WireError {
        switch error.code {
        case .validation: WireError(status: 400, code: "validation_error", message: error.message)
        case .resolutionTooComplex:
            WireError(status: 400, code: "authorization_model_resolution_too_complex", message: error.message)
        case .typeNotFound: WireError(status: 400, code: "type_not_found", message: error.message)
        case .relationNotFound: WireError(status: 400, code: "relation_not_found", message: error.message)
        case .invalidTuple: WireError(status: 400, code: "validation_error", message: error.message)
        case .store: WireError(status: 500, code: "internal_error", message: "Internal Server Error")
        case .deadlineExceeded: WireError(status: 504, code: "deadline_exceeded", message: error.message)
        }
    }
}
