import CLibXML2

/// The process-wide libxml2 state: initialised once, with error output silenced.
///
/// libxml2 wants `xmlInitParser` once before threads use it, and its error handlers are per
/// thread: the thread defaults set here reach Dispatch workers created later. Every parse in this
/// module calls `prepare()` first, so callers need not; calling it early on the main thread (as
/// the commands do) only moves the one-time cost.
public enum MarkupLibrary {
    public static func prepare() { _ = prepared }

    private static let prepared: Bool = {
        xmlInitParser()
        xmlSetStructuredErrorFunc(nil, dropStructuredError)
        xmlThrDefSetStructuredErrorFunc(nil, dropStructuredError)
        let generic = unsafeBitCast(dropGenericError as GenericErrorFunction, to: xmlGenericErrorFunc.self)
        xmlSetGenericErrorFunc(nil, generic)
        xmlThrDefSetGenericErrorFunc(nil, generic)
        return true
    }()
}

/// Non-variadic shape of libxml2's generic error callback; the extra arguments are ignored.
private typealias GenericErrorFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void

private func dropGenericError(_ context: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {}

private func dropStructuredError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}
