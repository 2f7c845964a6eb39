// File: plain_text_parser.h
// -----------------------------------------------------------------------------
// Plain-text articles like ../shared/seeds/*.txt: UTF-8, one block of text per
// line. The structure is recovered by rules, each testable on its own:
//
//   hygiene   text_hygiene.h (CheckTextFile, then CleanText); blank lines only
//             separate blocks, so runs of them do not matter.
//   title     the first non-empty line when it is headline-like (at most
//             kMaxTitleWords words, not ending in . … : ؛). When it is not but
//             the second line is, the second line is the title and the first
//             becomes the lead (a standfirst printed above the headline). When
//             neither is, the first line is the title: we never invent one.
//   repeat    a later line equal to the title, ignoring trailing punctuation
//             and spaces, is dropped.
//   boilerplate  a line is dropped when it is one of the last
//             kBoilerplateTailLines blocks AND IsBoilerplate() says so:
//             (a) call to action: at most kMaxCallToActionWords words, made of
//                 sentences that are each either a question (ends ? or ؟) or
//                 an appeal — a sentence of at most kMaxAppealWords words with
//                 an engagement verb (شارك/شاركنا/تابع/تابعونا/اشترك/علّق/اترك/
//                 أخبرنا …) AND a reader-addressed object (رأيك/رأيكم/تعليقك/
//                 أدناه/صفحتنا/قناتنا/فيسبوك …) — and at least one appeal;
//             (b) widget label: at most 3 words, no sentence punctuation, every
//                 word from the site-UI vocabulary (إرسال/تعليق/مشاركة/اقرأ/
//                 أيضا/طباعة/إعلان/المزيد …).
//             Words are compared after removing diacritics, tatweel and
//             punctuation, folding أ إ آ to ا and dropping a leading و/ف.
//             A past-tense report ("رفضت إنفيديا التعليق على ...") has no
//             appeal (no reader-addressed object) and stays.
//   heading   at most kMaxHeadingWords words and no sentence-final punctuation
//             (. ! ? ؟ … : ؛, also before closing quotes/brackets); a line that
//             only ends with a quoted name (“إنفيديا”) can be a heading.
//   quote     opens with a quotation mark (“ « " „) and the quotation runs for
//             at least kMinQuoteWords words (“هواوي” تعرض ... is not a quote).
//   lead      the first block that is neither heading nor quote.
//   body      everything else.
//
//   absl::StatusOr<Article> a = ParsePlainText("seeds/001.txt", text);
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest_service/article/article.h"
#include "ingest_service/article/parse_options.h"

namespace khabar::article {

inline constexpr int kMaxTitleWords = 25;
inline constexpr int kMaxHeadingWords = 12;
inline constexpr int kMinQuoteWords = 3;
inline constexpr int kBoilerplateTailLines = 3;
inline constexpr int kMaxCallToActionWords = 40;
inline constexpr int kMaxAppealWords = 15;
inline constexpr int kMaxWidgetLabelWords = 3;

// `name` names the document in errors and gives the default id. Errors
// (InvalidArgument): "<name>: file is 50.0 MiB, over the 8 MiB limit for one
// article", the CheckTextFile errors, "<name>: file is empty".
absl::StatusOr<Article> ParsePlainText(absl::string_view name, absl::string_view text,
                                       const ParseOptions& options = {});

// The boilerplate rule above for one cleaned line, position aside.
bool IsBoilerplate(absl::string_view line);

// Number of space-separated words in a cleaned line.
int CountWords(absl::string_view line);

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_
