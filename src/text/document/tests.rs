use super::*;

/// A backend engineer's CV in Markdown: bold employer, "Role, Company — years", pipes.
const MARKDOWN_CV: &str = "\
# Priya Raman
Senior Backend Engineer · London · [priya.dev](https://priya.dev) · priya@example.com

## Summary
Backend engineer with nine years in payments and logistics. I care about reliable systems and calm on-call rotations.

## Experience

**Acme Payments** (2020–2024), Senior Backend Engineer
- Led the migration of 40 services from a monolith to **Kubernetes**, cutting deploy time from 40 to 6 minutes
- Built an idempotent `ledger` API in Go handling 12,000 requests per second
- Mentored four engineers, two of whom were promoted to senior

Backend Engineer, Globex Logistics — 2017 – 2020
- Reduced failed deliveries by 18% by rewriting the routing service
- Introduced contract tests across [the platform team](https://example.com/team)

Initech | Software Developer | Jan 2015 – Dec 2016
- Shipped the first version of the billing portal

## Education
**University of Manchester** (2011–2015), BSc Computer Science

## Skills
Go, PostgreSQL, Kafka, Kubernetes, Terraform, AWS, gRPC, Go, Redis
";

/// The same kind of CV as a PDF's text layer gives it: columns turned into runs of spaces,
/// bullets wrapped onto lines of their own, headings in capitals.
const PDF_CV: &str = "\
DANIEL  OKAFOR
Product-minded engineer   |   daniel.okafor@example.com   |   +44 7700 900123


WORK EXPERIENCE

Northwind Logistics                                  2021 – Present
Staff Software Engineer
•  Led the redesign of the dispatch platform, reducing
late deliveries by 23% across 14 depots
•  Built a real-time tracking pipeline on Kafka and Flink
processing 2 million events a day

Contoso Retail                                       2018 – 2021
Senior Software Engineer
•  Migrated checkout from PHP to Go, cutting p99 latency
from 900 ms to 180 ms

Fabrikam  2016 – 2018
Software Engineer



EDUCATION
Imperial College London                              2012 – 2016
MEng Computing

TECHNICAL SKILLS
Languages: Go, Python, TypeScript
Infrastructure: Kafka, Flink, Kubernetes, GCP
";

/// A sales CV: "Role at Company (years)", "Role, Company — years", "Role | Company | months".
const SALES_CV: &str = "\
Maria Gonzalez — Enterprise Account Executive
maria.gonzalez@example.com | Madrid / Remote

PROFESSIONAL SUMMARY
Quota-carrying seller with 8 years in B2B SaaS. Closed the largest deal in company history (€1.2M ACV).

EXPERIENCE
Enterprise Account Executive at Globex Cloud (2021-2024)
- Exceeded quota three years running: 132%, 118% and 141%
- Closed 27 new enterprise logos, including two FTSE 100 banks
- Built a partner channel with AWS that now sources 30% of pipeline

Account Executive, Umbrella Analytics — 2018 – 2021
- Grew the Iberian territory from €0.4M to €2.1M ARR
- Ranked top of 40 reps in 2020

Sales Development Representative | Hooli | Sep 2016 – Jun 2018
- Booked 45 qualified meetings a month on average

EDUCATION
Universidad Complutense de Madrid — BA Business Administration (2012–2016)

SKILLS
Salesforce • MEDDICC • Outreach • Gong • Negotiation • Forecasting • Spanish (native)
";

/// A product manager's CV: the title and employer in a heading, the dates on the next line,
/// achievements in prose as well as in bullets.
const PM_CV: &str = "\
# Tom Becker
Product Manager | Berlin

### Experience

#### Senior Product Manager — Lumen Health
*March 2022 – Present*

- Launched a symptom checker used by 1.5M patients in its first year
- Drove a pricing change that grew paid conversion by 12%
- Owned the roadmap for three squads (24 engineers)

#### Product Manager — Zalando
*2019 – 2022*

Defined the returns experience for 14 markets. Reduced return-label support tickets by 35% with self-service labels.

#### Associate Product Manager, Soundcloud (2017 – 2019)

### Education
MSc Human-Computer Interaction, TU Berlin, 2015–2017

### Skills
- Product discovery
- A/B testing
- SQL
- Figma
- Stakeholder management
- Roadmapping
";

const BACKEND_AD: &str = "\
# Senior Backend Engineer — Northwind Logistics

**Leeds or remote (UK)** · Full-time

## About the role
We're hiring a senior backend engineer to own the services that move 3 million parcels a week.

## What you'll do
- Design, build and run Go services on Kubernetes
- You'll own the dispatch API end to end, from design reviews to on-call
- Work with product and operations to shape the roadmap for our depot tooling across the UK
- Mentor engineers and raise the bar on code review

## What you'll bring
- 5+ years building backend services in Go or Java
- Solid understanding of distributed systems and **PostgreSQL**
- Experience with Kafka, Kubernetes (EKS) and Terraform
- Excellent stakeholder management and written communication

## Nice to have
- Familiarity with route optimisation

## Benefits
- 30 days holiday
";

/// A sales ad as plain text (from a PDF or a careers page): no bullets, colon headings.
const SALES_AD: &str = "\
Account Executive, Mid-Market
Umbrella Analytics · Madrid (hybrid)

Umbrella Analytics is hiring an Account Executive to grow our mid-market business in Southern Europe.

Responsibilities:
Run the full sales cycle from discovery to close for deals of €20k–€150k ARR
Build pipeline with SDRs and partners
Forecast accurately in Salesforce every week

Requirements:
3+ years of B2B SaaS closing experience
Track record of exceeding quota
Fluent Spanish and English
Experience with MEDDICC or a similar qualification framework
";

fn job(employer: &str, role: &str, years: &str) -> Job {
    Job {
        employer: employer.into(),
        role: Some(role.into()),
        years: Some(years.into()),
    }
}

/// No Markdown and no doubled space in anything the reader returns.
fn assert_clean<'a>(items: impl IntoIterator<Item = &'a str>) {
    for s in items {
        for bad in ["**", "`", "](", "#", "  "] {
            assert!(!s.contains(bad), "{bad:?} in {s:?}");
        }
        assert_eq!(s, s.trim(), "untrimmed {s:?}");
        assert!(!s.is_empty());
    }
}

fn assert_profile_clean(p: &Profile) {
    assert_clean(p.skills.iter().map(String::as_str));
    assert_clean(p.achievements.iter().map(String::as_str));
    for j in &p.employers {
        assert_clean(
            [Some(&j.employer), j.role.as_ref(), j.years.as_ref()]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        assert!(words_in(&j.employer) <= 6, "{j:?}");
    }
    assert!(p.skills.len() <= MAX_SKILLS && p.achievements.len() <= MAX_ACHIEVEMENTS);
    for a in &p.achievements {
        assert!(words_in(a) <= MAX_ACHIEVEMENT_WORDS, "{a}");
    }
}

fn assert_ad_clean(ad: &JobAd) {
    let all = ad
        .title
        .iter()
        .chain(&ad.company)
        .chain(&ad.skills)
        .chain(&ad.duties);
    assert_clean(all.clone().map(String::as_str));
    for s in all {
        assert!(words_in(s) <= MAX_AD_ITEM_WORDS, "{s}");
    }
}

#[test]
fn a_markdown_cv() {
    let p = profile(MARKDOWN_CV);
    assert_eq!(
        p.employers,
        vec![
            job("Acme Payments", "Senior Backend Engineer", "2020–2024"),
            job("Globex Logistics", "Backend Engineer", "2017 – 2020"),
            job("Initech", "Software Developer", "Jan 2015 – Dec 2016"),
        ]
    );
    assert_eq!(
        p.skills,
        [
            "Go",
            "PostgreSQL",
            "Kafka",
            "Kubernetes",
            "Terraform",
            "AWS",
            "gRPC",
            "Redis"
        ]
    );
    assert_eq!(
        p.achievements,
        [
            "Led the migration of 40 services from a monolith to Kubernetes, cutting deploy time from 40 to 6 minutes",
            "Built an idempotent ledger API in Go handling 12,000 requests per second",
            "Mentored four engineers, two of whom were promoted to senior",
            "Reduced failed deliveries by 18% by rewriting the routing service",
            "Introduced contract tests across the platform team",
        ]
    );
    assert_profile_clean(&p);
}

#[test]
fn a_cv_as_a_pdf_text_layer_gives_it() {
    let p = profile(&tidy_extracted(PDF_CV));
    assert_eq!(
        p.employers,
        vec![
            job(
                "Northwind Logistics",
                "Staff Software Engineer",
                "2021 – Present"
            ),
            job("Contoso Retail", "Senior Software Engineer", "2018 – 2021"),
            job("Fabrikam", "Software Engineer", "2016 – 2018"),
        ],
        "the college is not an employer, the name is not either"
    );
    assert_eq!(
        p.skills,
        [
            "Go",
            "Python",
            "TypeScript",
            "Kafka",
            "Flink",
            "Kubernetes",
            "GCP"
        ]
    );
    assert_eq!(
        p.achievements,
        [
            "Led the redesign of the dispatch platform, reducing late deliveries by 23% across 14 depots",
            "Built a real-time tracking pipeline on Kafka and Flink processing 2 million events a day",
            "Migrated checkout from PHP to Go, cutting p99 latency from 900 ms to 180 ms",
        ],
        "wrapped bullets are joined"
    );
    assert_profile_clean(&p);
    // Read untidied, the same.
    assert_eq!(profile(PDF_CV).employers, p.employers);
}

#[test]
fn a_sales_cv() {
    let p = profile(SALES_CV);
    assert_eq!(
        p.employers,
        vec![
            job("Globex Cloud", "Enterprise Account Executive", "2021-2024"),
            job("Umbrella Analytics", "Account Executive", "2018 – 2021"),
            job(
                "Hooli",
                "Sales Development Representative",
                "Sep 2016 – Jun 2018"
            ),
        ]
    );
    assert_eq!(
        p.skills,
        [
            "Salesforce",
            "MEDDICC",
            "Outreach",
            "Gong",
            "Negotiation",
            "Forecasting",
            "Spanish (native)"
        ]
    );
    assert_eq!(p.achievements.len(), 5);
    assert_eq!(
        p.achievements[0],
        "Closed the largest deal in company history (€1.2M ACV)"
    );
    assert!(
        p.achievements
            .iter()
            .all(|a| a.chars().any(|c| c.is_ascii_digit()) || a.contains("three")),
        "those with a figure first: {:?}",
        p.achievements
    );
    assert_profile_clean(&p);
}

#[test]
fn a_product_managers_cv() {
    let p = profile(PM_CV);
    assert_eq!(
        p.employers,
        vec![
            job(
                "Lumen Health",
                "Senior Product Manager",
                "March 2022 – Present"
            ),
            job("Zalando", "Product Manager", "2019 – 2022"),
            job("Soundcloud", "Associate Product Manager", "2017 – 2019"),
        ]
    );
    assert_eq!(
        p.skills,
        [
            "Product discovery",
            "A/B testing",
            "SQL",
            "Figma",
            "Stakeholder management",
            "Roadmapping"
        ]
    );
    assert_eq!(
        p.achievements,
        [
            "Launched a symptom checker used by 1.5M patients in its first year",
            "Drove a pricing change that grew paid conversion by 12%",
            "Owned the roadmap for three squads (24 engineers)",
            "Defined the returns experience for 14 markets",
            "Reduced return-label support tickets by 35% with self-service labels",
        ],
        "prose sentences count too"
    );
    assert_profile_clean(&p);
}

#[test]
fn every_way_of_writing_a_position() {
    for (line, years) in [
        (
            "**Acme Payments** (2020–2024), Senior Backend Engineer",
            "2020–2024",
        ),
        (
            "Senior Backend Engineer, Acme Payments — 2020–Present",
            "2020–Present",
        ),
        (
            "Acme Payments | Senior Backend Engineer | Jan 2020 – Mar 2024",
            "Jan 2020 – Mar 2024",
        ),
        (
            "Senior Backend Engineer at Acme Payments (2020-2024)",
            "2020-2024",
        ),
        (
            "Acme Payments    2020 – Present\nSenior Backend Engineer",
            "2020 – Present",
        ),
        (
            "Senior Backend Engineer\nAcme Payments, London    03/2020 – 05/2024",
            "03/2020 – 05/2024",
        ),
        (
            "### Acme Payments\nSenior Backend Engineer\n_2020 to date_",
            "2020 to date",
        ),
        (
            "### Acme Payments — Senior Backend Engineer\n**San Francisco, CA** | *2020 – 2024*",
            "2020 – 2024",
        ),
        (
            "Acme Payments, Portland, OR | Senior Backend Engineer | 2020 – 2024",
            "2020 – 2024",
        ),
        (
            "Senior Backend Engineer — Acme Payments\nRemote · 2020 – 2024",
            "2020 – 2024",
        ),
    ] {
        let cv = format!(
            "Jane Doe\n\nExperience\n{line}\n- Built the ledger\n\nEducation\nMIT 2010 – 2014"
        );
        assert_eq!(
            profile(&cv).employers,
            vec![job("Acme Payments", "Senior Backend Engineer", years)],
            "{line}"
        );
    }
}

#[test]
fn role_above_employer_in_a_pdf_layout() {
    let cv = "Sam Lee\nEXPERIENCE\nHead of Sales\nGlobex   2020 – 2024\nAccount Manager\nInitech   2016 – 2020\n";
    assert_eq!(
        profile(cv).employers,
        vec![
            job("Globex", "Head of Sales", "2020 – 2024"),
            job("Initech", "Account Manager", "2016 – 2020"),
        ]
    );
}

#[test]
fn names_headings_schools_and_sentences_are_not_employers() {
    let cv = "\
Jane Doe
Experience
I worked at many places (2010 – 2020) and loved it.
Led the platform team at Acme from 2019 - 2021 with great results
Harvard University, 2008 – 2012
Acme Payments (2020 – 2024)
";
    let p = profile(cv);
    assert_eq!(
        p.employers,
        vec![Job {
            employer: "Acme Payments".into(),
            role: None,
            years: Some("2020 – 2024".into()),
        }]
    );
    // Without a heading the person's name on top is never taken either.
    assert!(profile("Jane Doe\nSenior Engineer\n").employers.is_empty());
}

#[test]
fn achievements_are_cut_at_a_word() {
    let cv = "- Led a long programme of work that touched every team in the company and changed how we plan, build, test and release software for all of our customers around the world\n";
    let a = &profile(cv).achievements[0];
    assert!(words_in(a) <= MAX_ACHIEVEMENT_WORDS, "{a}");
    let last = a.split_whitespace().last().unwrap_or_default();
    assert!(!DANGLING.contains(&last), "{a}");
    assert!(!a.ends_with(','), "{a}");
}

#[test]
fn skills_are_capped_and_unique() {
    let cv = "Tech stack: Go, go, Rust, Python, Java, Kotlin, Swift, C, Ruby, Elixir, Scala, Haskell, OCaml, Zig, Lua\n";
    let p = profile(cv);
    assert_eq!(p.skills.len(), MAX_SKILLS);
    assert_eq!(p.skills[..3], ["Go", "Rust", "Python"]);
}

#[test]
fn a_markdown_job_ad() {
    let ad = job_ad(BACKEND_AD);
    assert_eq!(ad.title.as_deref(), Some("Senior Backend Engineer"));
    assert_eq!(ad.company.as_deref(), Some("Northwind Logistics"));
    assert_eq!(
        ad.skills,
        [
            "backend services",
            "Go",
            "Java",
            "distributed systems",
            "PostgreSQL",
            "Kafka",
            "Kubernetes",
            "EKS",
            "Terraform",
            "stakeholder management",
            "written communication",
            "route optimisation",
        ]
    );
    assert_eq!(
        ad.duties,
        [
            "Design, build and run Go services on Kubernetes",
            "Own the dispatch API end to end, from design reviews to on-call",
            "Work with product and operations to shape the roadmap for our depot",
            "Mentor engineers and raise the bar on code review",
        ]
    );
    assert_ad_clean(&ad);
}

#[test]
fn a_plain_text_sales_ad() {
    let ad = job_ad(SALES_AD);
    assert_eq!(ad.title.as_deref(), Some("Account Executive"));
    assert_eq!(ad.company.as_deref(), Some("Umbrella Analytics"));
    for skill in [
        "B2B SaaS closing",
        "exceeding quota",
        "Spanish",
        "English",
        "MEDDICC",
    ] {
        assert!(
            ad.skills.iter().any(|s| s == skill),
            "{skill}: {:?}",
            ad.skills
        );
    }
    assert_eq!(
        ad.duties,
        [
            "Run the full sales cycle from discovery to close for deals",
            "Build pipeline with SDRs and partners",
            "Forecast accurately in Salesforce every week",
        ]
    );
    assert_ad_clean(&ad);
}

#[test]
fn titles_and_companies_from_sentences() {
    let ad = job_ad("We're hiring a Staff Data Engineer at Contoso Health to lead our platform.\n");
    assert_eq!(ad.title.as_deref(), Some("Staff Data Engineer"));
    assert_eq!(ad.company.as_deref(), Some("Contoso Health"));
    let ad = job_ad("Job title: Head of Product\nCompany: Lumen Health\n");
    assert_eq!(ad.title.as_deref(), Some("Head of Product"));
    assert_eq!(ad.company.as_deref(), Some("Lumen Health"));
    let ad = job_ad("## About Fabrikam\nWe make furniture.\n\n## The role\n- Own the roadmap\n");
    assert_eq!(ad.company.as_deref(), Some("Fabrikam"));
    assert_eq!(ad.duties, ["Own the roadmap"]);
}

#[test]
fn the_context_splits_into_cv_and_job() {
    let both = join_context(Some("# Jane\n- Led X\n"), Some("Senior Engineer at Acme\n")).unwrap();
    assert_eq!(
        both,
        "# Jane\n- Led X\n\n## Job description\nSenior Engineer at Acme"
    );
    assert_eq!(
        split_context(&both),
        ("# Jane\n- Led X", Some("Senior Engineer at Acme"))
    );
    let job_only = join_context(None, Some("Senior Engineer")).unwrap();
    assert_eq!(job_only, "## Job description\nSenior Engineer");
    assert_eq!(split_context(&job_only), ("", Some("Senior Engineer")));
    assert_eq!(split_context("just a CV"), ("just a CV", None));
    assert_eq!(join_context(Some("  "), None), None);
    // Only a line of its own opens the section, not the words inside a sentence.
    assert_eq!(split_context("see ## Job description below").1, None);
}

#[test]
fn extracted_text_is_tidied() {
    let raw = "\u{feff}Jane\tDoe  \r\n\r\n\r\n\r\nSenior\u{a0}\u{a0}Engineer\u{0}\u{7}\x0cPage two\u{f0b7} item\n\n";
    assert_eq!(
        tidy_extracted(raw),
        "Jane Doe\n\nSenior Engineer\nPage two• item"
    );
}

#[test]
fn date_ranges() {
    let years = |s: &str| find_years(s).map(|(a, b)| s[a..b].to_string());
    assert_eq!(years("Acme (2019–2021)").as_deref(), Some("2019–2021"));
    assert_eq!(
        years("Sept. 2019 - Present").as_deref(),
        Some("Sept. 2019 - Present")
    );
    assert_eq!(
        years("01/2019 to 12/2020").as_deref(),
        Some("01/2019 to 12/2020")
    );
    assert_eq!(years("grew revenue 40% in 2020"), None);
    assert_eq!(years("called 2,000 - 3,000 leads"), None);
}

/// Pieces of CVs and ads, and the characters that trip parsers (multi-byte dashes and quotes,
/// unclosed Markdown), glued at random.
fn fragments() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const PIECES: &[&str] = &[
        "Acme Payments",
        "Senior Engineer",
        " at ",
        "2020",
        "–",
        "—",
        "-",
        " to ",
        "Present",
        "Jan ",
        "03/",
        "\n",
        "\n\n",
        "- ",
        "• ",
        "* ",
        "1. ",
        "# ",
        "### ",
        "**",
        "__",
        "`",
        "[",
        "](",
        ")",
        "(",
        "|",
        ",",
        ";",
        ":",
        "’",
        "é",
        "€1.2M",
        "Experience",
        "Skills",
        "EDUCATION",
        "Requirements",
        "What you’ll do",
        "We're hiring a ",
        "is hiring ",
        "About ",
        "University",
        "Led ",
        "5+ years of ",
        "experience with ",
        " and ",
        " or ",
        "/",
        "Go",
        "\u{a0}",
        "\t",
        "\u{f0b7}",
        "\r",
        "## Job description",
        "e.g.",
        ".",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat())
}

proptest::proptest! {
    #[test]
    fn any_text_is_read_without_panicking(text in fragments()) {
        let p = profile(&text);
        let ad = job_ad(&text);
        proptest::prop_assert!(p.skills.len() <= MAX_SKILLS && p.achievements.len() <= MAX_ACHIEVEMENTS);
        for s in p.achievements.iter().chain(&ad.duties) {
            proptest::prop_assert!(!s.contains("**") && !s.contains("  "), "{s:?}");
        }
        let tidy = tidy_extracted(&text);
        proptest::prop_assert!(!tidy.contains("  ") && !tidy.contains("\n\n\n"));
        let (cv, job) = split_context(&text);
        if let Some(joined) = join_context(Some(cv), job) {
            proptest::prop_assert_eq!(split_context(&joined).1, job);
        }
    }
}
