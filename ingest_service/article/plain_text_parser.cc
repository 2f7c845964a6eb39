#include "ingest_service/article/plain_text_parser.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"
#include "ingest_service/article/text_hygiene.h"

namespace khabar::article {
namespace {

// Word classes of the boilerplate rule, in folded form (see FoldWord).
const absl::flat_hash_set<absl::string_view>& EngagementVerbs() {
  static const auto* const kSet = new absl::flat_hash_set<absl::string_view>{
      "شارك", "شاركنا", "شاركونا", "شاركوا", "شاركي",  "تابع",  "تابعنا", "تابعونا",
      "تابعوا", "تابعي", "اشترك", "اشتركوا", "اشتركي", "علق",  "علقوا", "علقي",
      "اترك",  "اتركوا", "اتركي", "اكتب",   "اكتبوا", "اخبرنا", "اخبرونا", "ضع",
      "ضعوا",  "انضم",  "انضموا", "زوروا",  "زر"};
  return *kSet;
}

const absl::flat_hash_set<absl::string_view>& ReaderObjects() {
  static const auto* const kSet = new absl::flat_hash_set<absl::string_view>{
      "رايك",   "رايكم",   "ارائكم",  "اراءكم", "تعليقك",  "تعليقاتكم", "تعليقا",
      "ادناه",  "صفحتنا",  "قناتنا",  "موقعنا", "حساباتنا", "نشرتنا",   "النشرة",
      "فيسبوك", "فايسبوك", "تويتر",   "يوتيوب", "انستغرام", "تيليغرام", "تلغرام"};
  return *kSet;
}

const absl::flat_hash_set<absl::string_view>& UiWords() {
  static const auto* const kSet = new absl::flat_hash_set<absl::string_view>{
      "ارسال", "ارسل",   "تعليق",  "تعليقات", "التعليقات", "اضف",    "اضافة",
      "مشاركة", "شارك",  "اقرا",   "ايضا",    "المزيد",    "طباعة",  "اطبع",
      "اعلان", "حفظ",    "نسخ",    "الرابط",  "رابط",      "تابعنا", "الرئيسية",
      "التالي", "السابق", "تغريد",  "share",   "print",     "comment", "comments",
      "tweet", "email",  "advertisement"};
  return *kSet;
}

bool IsPunctuation(char32_t cp) {
  if (cp < 0x80) return cp != '_' && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') &&
                        !(cp >= '0' && cp <= '9');
  switch (cp) {
    case 0x060C:  // ،
    case 0x061B:  // ؛
    case 0x061F:  // ؟
    case 0x06D4:  // ۔
    case 0x00AB:  // «
    case 0x00BB:  // »
    case 0x2026:  // …
      return true;
    default:
      return cp >= 0x2010 && cp <= 0x201F;  // dashes and quotes
  }
}

// A word as the word classes spell it: no diacritics, tatweel or punctuation,
// أ إ آ ٱ folded to ا, ASCII lower-cased, a leading conjunction و/ف dropped
// when more than three letters remain. `word` is well-formed UTF-8.
std::string FoldWord(absl::string_view word, bool drop_conjunction) {
  std::string out;
  size_t pos = 0;
  while (pos < word.size()) {
    char32_t cp = base::DecodeUtf8(word, &pos);
    if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0670 || cp == 0x0640) continue;
    if (IsPunctuation(cp)) continue;
    if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671) cp = 0x0627;
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    base::AppendUtf8(cp, &out);
  }
  if (drop_conjunction && out.size() > 2 + 6 &&
      (absl::StartsWith(out, "و") || absl::StartsWith(out, "ف"))) {
    out.erase(0, 2);
  }
  return out;
}

// Strips closing quotes and brackets from the end.
absl::string_view StripClosers(absl::string_view line) {
  for (;;) {
    bool stripped = false;
    for (absl::string_view c : {"”", "»", "\"", "'", ")", "]", "’"}) {
      if (absl::EndsWith(line, c)) {
        line.remove_suffix(c.size());
        stripped = true;
      }
    }
    if (!stripped) return line;
  }
}

bool EndsWithAny(absl::string_view line, std::initializer_list<absl::string_view> ends) {
  for (absl::string_view end : ends) {
    if (absl::EndsWith(line, end)) return true;
  }
  return false;
}

bool EndsSentence(absl::string_view line) {
  return EndsWithAny(StripClosers(line), {".", "!", "?", "؟", "…", ":", "؛"});
}

// Headline-like: short and not a sentence ending in a period or a colon.
bool IsTitleLike(absl::string_view line) {
  return CountWords(line) <= kMaxTitleWords &&
         !EndsWithAny(StripClosers(line), {".", "…", ":", "؛"});
}

// Opens with a quotation mark whose quotation spans >= kMinQuoteWords words.
bool IsQuote(absl::string_view line) {
  static constexpr struct {
    absl::string_view open, close;
  } kPairs[] = {{"“", "”"}, {"«", "»"}, {"\"", "\""}, {"„", "“"}, {"„", "”"}};
  for (const auto& pair : kPairs) {
    if (!absl::StartsWith(line, pair.open)) continue;
    absl::string_view rest = line.substr(pair.open.size());
    const size_t close = rest.find(pair.close);
    absl::string_view quoted = close == absl::string_view::npos ? rest : rest.substr(0, close);
    if (CountWords(quoted) >= kMinQuoteWords) return true;
  }
  return false;
}

// The title and a line compared "ignoring trailing punctuation and spaces".
absl::string_view TrimTrailingPunctuation(absl::string_view line) {
  while (!line.empty()) {
    size_t start = line.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
    size_t pos = start;
    const char32_t cp = base::DecodeUtf8(line, &pos);
    if (cp != ' ' && !IsPunctuation(cp)) break;
    line.remove_suffix(line.size() - start);
  }
  return line;
}

bool IsAppeal(absl::string_view sentence) {
  if (CountWords(sentence) > kMaxAppealWords) return false;
  bool verb = false, object = false;
  for (absl::string_view w : absl::StrSplit(sentence, ' ', absl::SkipEmpty())) {
    const std::string folded = FoldWord(w, /*drop_conjunction=*/true);
    verb = verb || EngagementVerbs().contains(folded);
    object = object || ReaderObjects().contains(folded) ||
             ReaderObjects().contains(FoldWord(w, false));
  }
  return verb && object;
}

std::string FormatMiB(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

int CountWords(absl::string_view line) {
  if (line.empty()) return 0;
  return 1 + static_cast<int>(std::count(line.begin(), line.end(), ' '));
}

bool IsBoilerplate(absl::string_view line) {
  const int words = CountWords(line);
  // (b) a widget label.
  if (words <= kMaxWidgetLabelWords &&
      !EndsWithAny(StripClosers(line), {".", "!", "?", "؟", "…", "؛"})) {
    bool all_ui = true;
    for (absl::string_view w : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      all_ui = all_ui && UiWords().contains(FoldWord(w, /*drop_conjunction=*/false));
    }
    if (all_ui) return true;
  }
  // (a) a call to action: questions and appeals only, at least one appeal.
  if (words > kMaxCallToActionWords) return false;
  bool appeal = false;
  size_t start = 0;
  for (size_t i = 0; start < line.size();) {
    // The sentence runs from `start` to one past its final mark (or the end).
    size_t stop = line.size();
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '.' || c == '!' || c == '?') {
        stop = i + 1;
        break;
      }
      if (line.substr(i, 2) == "؟") {
        stop = i + 2;
        break;
      }
      if (line.substr(i, 3) == "…") {
        stop = i + 3;
        break;
      }
    }
    absl::string_view sentence = absl::StripAsciiWhitespace(line.substr(start, stop - start));
    start = i = stop;
    if (TrimTrailingPunctuation(sentence).empty()) continue;
    if (IsAppeal(sentence)) {
      appeal = true;
    } else if (!EndsWithAny(sentence, {"?", "؟"})) {
      return false;
    }
  }
  return appeal;
}

absl::StatusOr<Article> ParsePlainText(absl::string_view name, absl::string_view text,
                                       const ParseOptions& options) {
  if (text.size() > options.max_article_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: file is %.1f MiB, over the %s limit for one article", name,
                        static_cast<double>(text.size()) / (1 << 20),
                        FormatMiB(options.max_article_bytes)));
  }
  KHABAR_RETURN_IF_ERROR(CheckTextFile(name, text));
  const std::string clean = CleanText(text, LineMode::kKeepLines);
  std::vector<absl::string_view> lines = absl::StrSplit(clean, '\n', absl::SkipEmpty());
  if (lines.empty()) return absl::InvalidArgumentError(absl::StrCat(name, ": file is empty"));

  Article article;
  article.id = IdFromPath(name);
  article.origin = std::string(name);
  article.format = SourceFormat::kPlainText;

  // Title, and a standfirst printed above it.
  size_t title_index = 0;
  if (!IsTitleLike(lines[0]) && lines.size() > 1 && IsTitleLike(lines[1])) title_index = 1;
  article.title = std::string(lines[title_index]);
  const absl::string_view title_key = TrimTrailingPunctuation(article.title);
  std::vector<absl::string_view> blocks;
  blocks.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == title_index) continue;
    if (TrimTrailingPunctuation(lines[i]) == title_key) continue;  // repeated headline
    blocks.push_back(lines[i]);
  }
  // Boilerplate in the tail.
  const size_t tail = blocks.size() > kBoilerplateTailLines ? blocks.size() - kBoilerplateTailLines : 0;
  for (size_t i = blocks.size(); i-- > tail;) {
    if (IsBoilerplate(blocks[i])) blocks.erase(blocks.begin() + i);
  }

  bool seen_lead = false;
  for (absl::string_view block : blocks) {
    Paragraph p;
    if (CountWords(block) <= kMaxHeadingWords && !EndsSentence(block)) {
      p.kind = ParagraphKind::kHeading;
    } else if (IsQuote(block)) {
      p.kind = ParagraphKind::kQuote;
    } else if (!seen_lead) {
      p.kind = ParagraphKind::kLead;
      seen_lead = true;
    } else {
      p.kind = ParagraphKind::kBody;
    }
    p.text = std::string(block);
    article.paragraphs.push_back(std::move(p));
  }
  article.content_hash = ContentHash(article);
  return article;
}

}  // namespace khabar::article
