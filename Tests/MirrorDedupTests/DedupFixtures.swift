import Foundation
@testable import MirrorDedup
@testable import NewsIO
@testable import NewsRecords

/// Invented news texts for the dedup tests (written for these tests, not taken from any site),
/// and the perturbations syndication applies to them.
enum DedupFixtures {
    /// The original story: a council approves a tram line.
    static let tramHeadline = "Harbor City council approves eastern tram line after long debate"
    static let tram = """
    Harbor City council approves eastern tram line after long debate

    Harbor City's council voted 9-4 on Tuesday night to approve a 14-kilometre tram line linking the old port district with the eastern suburbs, ending more than three years of argument over the route.

    Mayor Ellen Brandt said the decision was "the most important transport vote this city has taken in a generation" and promised that construction would begin early next year.

    The line will run from the ferry terminal along Quay Street, cross the river on a new bridge next to the rail viaduct and finish at the hospital campus in Eastmoor. Planners expect about 38,000 passengers a day once all 19 stops are open.

    Opponents on the council said the project was too expensive. Councillor Raj Menon, who voted against, said the estimated cost of 610 million euros would rise further and that buses could have been improved for a fraction of the price.

    Shop owners on Quay Street are also worried. The street will be closed to cars for at least eighteen months while tracks are laid, and the traders' association said several small businesses might not survive the disruption.

    The regional transport authority will pay about a third of the cost, with the rest coming from the city budget and a loan from a European investment bank. Officials said fares would be the same as on the existing bus network.

    A public consultation last spring found that 61 percent of residents supported a tram, although support was much lower in the western districts that the line does not reach.

    Brandt said a second line to the west would be studied next year. "Nobody should feel left out," she said. "This is the first step, not the last."
    """

    /// Another story with nothing in common.
    static let earnings = """
    Northwind Robotics shares jump as warehouse orders double

    Shares in Northwind Robotics rose 12 percent on Thursday after the maker of warehouse robots reported that orders had doubled in the third quarter and raised its forecast for the full year.

    The company said revenue reached 842 million dollars in the three months to September, up from 530 million a year earlier, as retailers and parcel carriers automated their distribution centres ahead of the holiday season.

    Chief executive Marta Okafor told analysts on a conference call that demand from Asia had been stronger than expected and that a new factory in Monterrey would start production in January.

    Profit margins improved as the price of batteries and sensors fell. Net income was 96 million dollars, compared with a loss a year ago, helped by lower shipping costs and a one-off tax credit.

    Analysts cautioned that the shares had already tripled this year. One said the valuation assumed years of uninterrupted growth in a business that is sensitive to interest rates and consumer spending.

    Northwind now expects full-year revenue of about 3.1 billion dollars, up from an earlier forecast of 2.8 billion. The company also announced a buyback of up to 500 million dollars of its own shares.
    """

    /// The tram vote as another outlet tells it: same facts, its own words (must not be merged).
    static let tramRetold = """
    Trams are coming back to Harbor City

    After three years of wrangling, city councillors in Harbor City have given the green light to a new tramway running east from the port.

    The vote on Tuesday evening was nine in favour and four against. The 14 km route starts at the ferry terminal, goes along Quay Street, crosses the river beside the railway viaduct and ends at the Eastmoor hospital.

    Ellen Brandt, the mayor, called it a historic moment for transport in the city and said work should start in the first months of next year.

    Critics point to the price tag of around 610 million euros. Raj Menon, one of the four councillors who opposed the plan, argued that better bus services would have cost far less and that the budget was likely to overrun.

    Traders along Quay Street fear that a year and a half without car traffic during construction could push some of them out of business.

    About one third of the money comes from the regional transport authority. The remainder will be covered by the city and by a loan from a European lender.

    Nineteen stops are planned, and the city expects some 38,000 trips per day. Ticket prices will match current bus fares, officials said.

    A western branch will be examined next year, according to the mayor.
    """

    /// A different council story that names the same people and places (must not be merged).
    static let libraries = """
    Harbor City to keep all branch libraries open despite budget squeeze

    Harbor City will not close any of its eleven branch libraries next year, Mayor Ellen Brandt said on Friday, reversing a proposal that had drawn protests from parents and teachers across the city.

    The council's finance committee had suggested closing three branches in the western districts, including the one on Quay Street, to save about four million euros a year.

    Councillor Raj Menon, who chairs the committee, said the savings would instead come from energy upgrades to municipal buildings and from delaying the renovation of the Eastmoor sports hall.

    Librarians welcomed the decision but said opening hours had already been cut twice since 2019 and that several branches were short of staff. The union representing library workers asked the council to fill twenty vacant posts.

    Brandt said the libraries were "places where children learn to love reading" and that she would not balance the budget by shutting them. The full budget will be put to a vote in December.
    """

    /// Two different stories for the same-site template case.
    static let ferry = """
    Ferry service to Gull Island suspended after engine fault

    The morning ferry to Gull Island was cancelled on Monday after engineers found a fault in one of the vessel's two engines, leaving about two hundred commuters and schoolchildren waiting at the pier.

    The operator said a replacement boat had been chartered from a company on the mainland and would run a reduced timetable until the repair was finished, probably by the end of the week.

    Islanders said it was the fourth cancellation this year and called for a second vessel to be kept in reserve. The island school opened late so that pupils who live in the city could arrive on the replacement service.
    """

    static let marathon = """
    Record field expected for Harbor City marathon on Sunday

    Organisers of the Harbor City marathon expect more than twelve thousand runners on Sunday, the largest field since the race began in 1987, with entries from forty countries.

    Several roads in the centre will be closed from six in the morning until mid afternoon, and extra trains will run on the coastal line. The organisers advised residents to check the route map before travelling.

    Last year's winner, Samuel Kiprono, returns to defend his title. He said the new course, which avoids the steep climb to the old fort, could produce the fastest times the race has seen.
    """

    /// Chrome a site adds to every article (navigation, newsletter, footer) that strip left behind.
    static let siteBoilerplate = """
    Harbor Gazette: local news, sport and weather for Harbor City and the islands. Sign up for our morning newsletter to get the day's top stories in your inbox. Follow us on social media for breaking news alerts.

    Copyright Harbor Gazette Media. All rights reserved. Reproduction without written permission is prohibited. Contact the newsroom with tips and corrections at any time of day or night.
    """

    // MARK: - Perturbations

    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    static func join(_ paragraphs: [String]) -> String { paragraphs.joined(separator: "\n\n") }

    static func bylineAdded(_ text: String) -> String {
        var p = paragraphs(text)
        p.insert("By Jonas Whitfield, Regional Affairs Correspondent | Published 14:32", at: 1)
        return join(p)
    }

    static func truncatedWithReadMore(_ text: String, keep share: Double = 0.75) -> String {
        let p = paragraphs(text)
        let kept = max(1, Int((Double(p.count) * share).rounded()))
        return join(Array(p.prefix(kept)) + ["Read more at harborgazette.example"])
    }

    static func adsInserted(_ text: String) -> String {
        var out: [String] = []
        for (i, p) in paragraphs(text).enumerated() {
            out.append(p)
            if i == 2 { out.append("ADVERTISEMENT") }
            if i == 5 { out.append("Sponsored: Compare energy tariffs in two minutes and save up to 300 a year with SwitchNow.") }
        }
        return join(out)
    }

    static func typographyChanged(_ text: String) -> String {
        var out = ""
        var open = true
        for ch in text {
            switch ch {
            case "\"": out += open ? "\u{201C}" : "\u{201D}"; open.toggle()
            case "'": out += "\u{2019}"
            case "-": out += "\u{2013}"
            default: out.append(ch)
            }
        }
        return out.replacingOccurrences(of: " and ", with: " and\u{00A0}")
    }

    static func headlineRecasedAndRepeated(_ text: String, headline: String) -> String {
        var p = paragraphs(text)
        p[0] = headline.uppercased()
        p.insert(headline, at: 1)
        return join(p)
    }

    static func backLinkAdded(_ text: String) -> String { "\u{00AB} Back to News\n\n" + text }

    static func smallEdits(_ text: String) -> String {
        text.replacingOccurrences(of: " said ", with: " says ")
            .replacingOccurrences(of: " said.", with: " says.")
            .replacingOccurrences(of: "percent", with: "per cent")
    }

    static func paragraphsMerged(_ text: String) -> String {
        let p = paragraphs(text)
        var out: [String] = [p[0]]
        var i = 1
        while i < p.count {
            out.append(i + 1 < p.count ? p[i] + " " + p[i + 1] : p[i])
            i += 2
        }
        return join(out)
    }

    static func paragraphsSplit(_ text: String) -> String {
        join(paragraphs(text).flatMap { paragraph in
            let sentences = paragraph.components(separatedBy: ". ")
            return sentences.enumerated().map { $0.offset < sentences.count - 1 ? $0.element + "." : $0.element }
        })
    }

    static func withBoilerplate(_ text: String) -> String { text + "\n\n" + siteBoilerplate }

    static func doc(_ id: String, _ text: String, site: String? = nil, published: String? = nil,
                    url: String? = nil) -> DedupDocument {
        DedupDocument(id: id, source: "\(id).html", url: url, site: site, published: published, text: text)
    }
}
