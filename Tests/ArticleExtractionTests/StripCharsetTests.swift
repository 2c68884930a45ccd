import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

@Suite("Strip: charsets")
struct StripCharsetTests {
    @Test func windows1252FromMeta() throws {
        let article = try stripArticle("charset-windows-1252.html")
        #expect(article.text.contains("Le café de la gare a rouvert ses portes mercredi après des travaux qui ont duré près d’un an"))
        #expect(article.text.contains("« Nous avons gardé le comptoir d’origine »"))
        #expect(article.provenance["charset"]?.hasPrefix("windows-1252") == true)
    }

    @Test func iso88591FromHTTPHeader() throws {
        let article = try stripArticle("charset-iso-8859-1.html",
                                       contentType: "text/html; charset=ISO-8859-1")
        #expect(article.text.contains("Le marché du samedi déménage sur la place de l'église"))
        #expect(article.provenance["charset"] == "windows-1252 (http-header)")
    }

    @Test func shiftJIS() throws {
        let article = try stripArticle("charset-shift-jis.html")
        #expect(article.text.contains("百年続いた和菓子店が新しい店舗を開きました"))
        #expect(article.language == "ja")
    }

    @Test func gb2312() throws {
        let article = try stripArticle("charset-gb2312.html")
        #expect(article.text.contains("市图书馆周六重新开放"))
        #expect(article.text.contains("方便上班族和学生"))
        #expect(article.language == "zh")
    }

    @Test func utf8BytesBeatALyingMetaCharset() throws {
        let article = try stripArticle("charset-lying-meta.html")
        #expect(article.text.contains("Die Bäckerei am Marktplatz hat nach dem Umbau wieder geöffnet"))
        #expect(article.text.contains("Öfen"))
        #expect(article.provenance["charset"] == "utf-8 (bytes)")
    }

    @Test func strayInvalidByteDoesNotCutThePage() throws {
        let article = try stripArticle("charset-stray-byte.html")
        #expect(article.text.contains("the first change in years"))
        #expect(article.text.contains("passengers with season tickets will get a refund for the cancelled morning crossings"))
    }

    @Test func undecodableLegacyByteDoesNotCutThePage() throws {
        let article = try stripArticle("charset-shift-jis-invalid.html")
        #expect(article.text.contains("港の古い倉庫が改装され"))
        #expect(article.text.contains("倉庫の赤れんがの壁をそのまま残し"))
    }

    @Test func utf16WithAndWithoutBOM() throws {
        let html = "<html><body><p>Die Fähre fährt ab Montag öfter, hieß es am Freitag aus dem Rathaus der Stadt, und zwar jede halbe Stunde.</p></body></html>"
        var littleEndian: [UInt8] = [0xFF, 0xFE]
        for unit in html.utf16 { littleEndian += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var bigEndianNoBOM: [UInt8] = []
        for unit in html.utf16 { bigEndianNoBOM += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        for bytes in [littleEndian, bigEndianNoBOM] {
            let result = ArticleExtractor(options: .init(minWords: 5)).extract(bytes, url: nil, contentType: nil)
            let article = try result.get()
            #expect(article.text.contains("Die Fähre fährt ab Montag öfter"))
        }
    }

    @Test func decoderPrefersValidUTF8OverDeclaredLatin1() {
        let bytes = Array("<p>Grüße aus Köln</p>".utf8)
        let decoded = StripCharsetDecoder.decode(bytes, contentType: "text/html; charset=iso-8859-1")
        #expect(decoded.charset == "utf-8")
        #expect(String(decoding: decoded.utf8, as: UTF8.self) == "<p>Grüße aus Köln</p>")
    }
}
