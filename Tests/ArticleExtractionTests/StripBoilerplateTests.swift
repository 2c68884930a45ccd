import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

@Suite("Strip: main content and boilerplate")
struct StripBoilerplateTests {
    @Test func seedLayoutKeepsHeadlineOnceAsTitleAndDropsBack() throws {
        let article = try stripArticle("seed-layout.html")
        #expect(article.title == "Harbour cranes return to the old port after twenty years"
                || article.title == "Harbour cranes return to the old port")
        let paragraphs = article.text.components(separatedBy: "\n\n")
        #expect(!paragraphs.contains("Back"))
        #expect(!article.text.contains("after twenty years"), "repeated headline left in body")
        #expect(paragraphs.first?.hasPrefix("The first of four refurbished harbour cranes") == true)
        #expect(paragraphs.count == 3)
    }

    @Test func dropsPageChromeAroundTheArticle() throws {
        let article = try stripArticle("boilerplate.html")
        let text = article.text
        for boilerplate in ["cookies", "Sport", "Weather", "Most read", "Council approves",
                            "Advertisement", "Related stories", "Station renovations",
                            "Copyright", "Great news, I used to take", "Comments"] {
            #expect(!text.contains(boilerplate), "kept boilerplate: \(boilerplate)")
        }
    }

    @Test func dropsInArticleClutter() throws {
        let text = try stripArticle("boilerplate.html").text
        for clutter in ["By Marta Kowalski", "Published 13 April 2026", "Share on Facebook",
                        "Photo: Jan Novak", "morning newsletter", "Read more",
                        "Night trains return to the valley line"] {
            #expect(!text.contains(clutter), "kept clutter: \(clutter)")
        }
    }

    @Test func keepsHeadingsListsAndQuotesAsParagraphs() throws {
        let article = try stripArticle("boilerplate.html")
        let paragraphs = article.text.components(separatedBy: "\n\n")
        #expect(paragraphs.first?.hasPrefix("Sleeper trains will run on the valley line") == true)
        #expect(paragraphs.contains("Fares and timetable"))
        #expect(paragraphs.contains("Departures from the coast at 21:40 every evening, arriving at 07:15."))
        #expect(paragraphs.contains("We have wanted this service back for a decade, and now the passengers will finally have it."))
        #expect(paragraphs.last?.hasPrefix("Regional councils") == true)
        #expect(!article.text.contains("  "))
        #expect(article.words == article.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count)
    }

    @Test func rejectsSectionFront() {
        let rejection = stripRejection(try! stripFixture("section-front.html"))
        #expect(rejection?.reason == "section-front")
    }

    @Test func rejectsErrorPage() throws {
        #expect(stripRejection(try stripFixture("error-page.html"))?.reason == "error-page")
    }

    @Test func rejectsLoginWall() throws {
        #expect(stripRejection(try stripFixture("login-wall.html"))?.reason == "login-wall")
    }
}
