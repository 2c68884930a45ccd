import ArticleExtraction

/// libFuzzer entry: every input is a page; the extractor must return an article or a rejection,
/// never crash, whatever the bytes. The first bytes also pick the declared content type, so the
/// charset paths are fuzzed too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStrip(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzState.prepare()
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let contentTypes = [nil, "text/html; charset=utf-8", "text/html; charset=windows-1252", "text/html; charset=shift_jis",
                        "text/html; charset=utf-16", "text/html; charset=bogus"]
    let contentType = contentTypes[Int(bytes.first ?? 0) % contentTypes.count]
    switch FuzzState.extractor.extract(bytes, url: "https://fuzz.example/page", contentType: contentType) {
    case let .success(article):
        // Invariants of a record: text is valid Unicode without NUL, word count is not negative.
        precondition(!article.text.unicodeScalars.contains("\u{0}"))
        precondition(article.words >= 0)
    case let .failure(rejection):
        precondition(!rejection.reason.isEmpty)
    }
    return 0
}

enum FuzzState {
    static let extractor = ArticleExtractor(options: ExtractionOptions())
    private static let once: Void = ArticleExtractor.prepareLibrary()
    static func prepare() { _ = once }
}

// SwiftPM links an executable's entry point as `<target>_main`; hand it to libFuzzer's driver,
// which then calls `LLVMFuzzerTestOneInput` for every input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("newspipe_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzzStrip)
}
