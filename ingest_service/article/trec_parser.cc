#include "ingest_service/article/trec_parser.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/utf8.h"
#include "ingest_service/article/text_hygiene.h"

namespace khabar::article {
namespace {

enum Field { kNone, kDocno, kUrl, kSource, kCategory, kTitle, kTime, kAuthor, kAbstract, kText,
             kNumFields };

struct Tag {
  size_t begin = 0;  // the '<'
  size_t end = 0;    // one past the '>'
  bool closing = false;
  absl::string_view name;
};

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; }

// The tag starting at text[pos] == '<', or false when that '<' is just text.
bool ReadTag(absl::string_view text, size_t pos, Tag* tag) {
  size_t i = pos + 1;
  const size_t n = text.size();
  tag->closing = i < n && text[i] == '/';
  if (tag->closing) ++i;
  if (i >= n || !absl::ascii_isalpha(text[i])) return false;
  const size_t name_begin = i;
  while (i < n && IsNameChar(text[i])) ++i;
  tag->name = text.substr(name_begin, i - name_begin);
  const size_t limit = std::min(n, i + 256);  // attributes, if any
  while (i < limit && text[i] != '>' && text[i] != '<' && text[i] != '\n') ++i;
  if (i >= limit || text[i] != '>') return false;
  tag->begin = pos;
  tag->end = i + 1;
  return true;
}

// Finds the next tag at or after `pos`; false at the end of `text`.
bool NextTag(absl::string_view text, size_t pos, Tag* tag) {
  while ((pos = text.find('<', pos)) != absl::string_view::npos) {
    if (ReadTag(text, pos, tag)) return true;
    ++pos;
  }
  return false;
}

Field FieldOf(absl::string_view tag) {
  static constexpr struct {
    absl::string_view name;
    Field field;
  } kNames[] = {{"TEXT", kText},        {"DOCNO", kDocno},    {"TITLE", kTitle},
                {"HEADLINE", kTitle},   {"URL", kUrl},        {"SRC", kSource},
                {"SOURCE", kSource},    {"CAT", kCategory},   {"CATEGORY", kCategory},
                {"TIME", kTime},        {"DATE", kTime},      {"DATE_TIME", kTime},
                {"AUTHOR", kAuthor},    {"ABSTRACT", kAbstract}};
  for (const auto& n : kNames) {
    if (absl::EqualsIgnoreCase(tag, n.name)) return n.field;
  }
  return kNone;
}

bool IsDocTag(const Tag& tag) { return absl::EqualsIgnoreCase(tag.name, "DOC"); }

// Field text: tags dropped (a line break in their place), entities decoded,
// then the hygiene of text_hygiene.h.
std::string FieldText(absl::string_view raw, LineMode mode) {
  if (raw.find('<') == absl::string_view::npos && raw.find('&') == absl::string_view::npos) {
    return CleanText(raw, mode);
  }
  std::string decoded;
  decoded.reserve(raw.size());
  size_t pos = 0;
  Tag tag;
  while (NextTag(raw, pos, &tag)) {
    AppendDecodedEntities(raw.substr(pos, tag.begin - pos), &decoded);
    decoded.push_back('\n');
    pos = tag.end;
  }
  AppendDecodedEntities(raw.substr(pos), &decoded);
  return CleanText(decoded, mode);
}

std::string MiB(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

// Builds the article of one closed DOC from its field spans.
absl::StatusOr<Article> BuildArticle(absl::string_view name, size_t doc_offset,
                                     const std::array<absl::string_view, kNumFields>& fields,
                                     const std::vector<absl::string_view>& texts) {
  Article a;
  a.format = SourceFormat::kTrec;
  a.id = FieldText(fields[kDocno], LineMode::kJoinLines);
  if (a.id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": <DOC> at byte ", doc_offset, " has no <DOCNO>"));
  }
  a.origin = absl::StrCat(name, "#", a.id);
  a.title = FieldText(fields[kTitle], LineMode::kJoinLines);
  a.url = FieldText(fields[kUrl], LineMode::kJoinLines);
  a.source = FieldText(fields[kSource], LineMode::kJoinLines);
  a.category = FieldText(fields[kCategory], LineMode::kJoinLines);
  a.published_time = ParseTimestamp(FieldText(fields[kTime], LineMode::kJoinLines));

  std::string text;
  for (absl::string_view t : texts) {
    if (!text.empty()) text.push_back('\n');
    text += FieldText(t, LineMode::kKeepLines);
  }
  const std::string abstract = FieldText(fields[kAbstract], LineMode::kJoinLines);
  if (!abstract.empty()) {
    // "Just the start of TEXT": a prefix of TEXT once lines are joined, an
    // ellipsis at the end of the abstract aside.
    absl::string_view key = abstract;
    while (absl::ConsumeSuffix(&key, ".") || absl::ConsumeSuffix(&key, "…") ||
           absl::ConsumeSuffix(&key, " ")) {
    }
    std::string joined = text;
    for (char& c : joined) {
      if (c == '\n') c = ' ';
    }
    if (!absl::StartsWith(joined, key) || key.empty()) {
      a.paragraphs.push_back({ParagraphKind::kLead, abstract});
    }
  }
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    a.paragraphs.push_back(
        {a.paragraphs.empty() ? ParagraphKind::kLead : ParagraphKind::kBody, std::string(line)});
  }
  if (a.title.empty() && a.paragraphs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": <DOC> at byte ", doc_offset,
                                                   " (DOCNO ", a.id, ") has no text"));
  }
  a.content_hash = ContentHash(a);
  return a;
}

}  // namespace

std::optional<absl::Time> ParseTimestamp(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return std::nullopt;
  static constexpr const char* kFormats[] = {
      absl::RFC3339_full,  "%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d%ET%H%M%S%Ez",
      "%Y-%m-%d%ET%H%M%S", "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S",
      "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d%ET%H:%M",    "%Y-%m-%d",
      "%d/%m/%Y"};
  const std::string s(text);
  for (const char* format : kFormats) {
    absl::Time t;
    std::string err;
    if (absl::ParseTime(format, s, &t, &err)) return t;
  }
  return std::nullopt;
}

void AppendDecodedEntities(absl::string_view text, std::string* out) {
  size_t pos = 0;
  for (;;) {
    const size_t amp = text.find('&', pos);
    if (amp == absl::string_view::npos) break;
    out->append(text.data() + pos, amp - pos);
    pos = amp + 1;
    const size_t semi = text.find(';', amp);
    if (semi == absl::string_view::npos || semi - amp > 10) {
      out->push_back('&');
      continue;
    }
    const absl::string_view entity = text.substr(amp + 1, semi - amp - 1);
    static constexpr struct {
      absl::string_view name, value;
    } kNamed[] = {{"amp", "&"},  {"lt", "<"},    {"gt", ">"},
                  {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
    bool done = false;
    for (const auto& e : kNamed) {
      if (entity == e.name) {
        out->append(e.value.data(), e.value.size());
        done = true;
      }
    }
    if (!done && entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      absl::string_view digits = entity.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      bool ok = !digits.empty() && digits.size() <= 7;
      for (char c : digits) {
        if (!ok) break;
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        ok = d >= 0;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      ok = ok && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
      if (ok) {
        base::AppendUtf8(cp, out);
        done = true;
      }
    }
    if (done) {
      pos = semi + 1;
    } else {
      out->push_back('&');
    }
  }
  out->append(text.data() + pos, text.size() - pos);
}

std::vector<absl::StatusOr<Article>> ParseTrec(absl::string_view name, absl::string_view text,
                                               const ParseOptions& options) {
  std::vector<absl::StatusOr<Article>> out;
  if (absl::Status s = CheckTextFile(name, text); !s.ok()) {
    out.push_back(std::move(s));
    return out;
  }
  Tag tag;
  size_t pos = 0;
  bool have_doc = false;  // `tag` is an open <DOC> already found
  bool any_doc = false;
  for (;;) {
    if (!have_doc) {
      // Text outside DOCs is skipped.
      bool found = false;
      while (NextTag(text, pos, &tag)) {
        pos = tag.end;
        if (!tag.closing && IsDocTag(tag)) {
          found = true;
          break;
        }
      }
      if (!found) break;
    }
    have_doc = false;
    any_doc = true;
    const size_t doc_begin = tag.begin;
    std::array<absl::string_view, kNumFields> fields;
    std::vector<absl::string_view> texts;
    Field open = kNone;
    size_t open_at = 0;
    auto close_field = [&](size_t at) {
      if (open == kNone) return;
      absl::string_view span = text.substr(open_at, at - open_at);
      if (open == kText) {
        texts.push_back(span);
      } else if (fields[open].empty()) {
        fields[open] = span;
      }
      open = kNone;
    };
    bool closed = false;
    pos = tag.end;
    while (NextTag(text, pos, &tag)) {
      pos = tag.end;
      if (IsDocTag(tag)) {
        if (tag.closing) {
          closed = true;
        } else {
          have_doc = true;  // an unclosed DOC is followed by another
        }
        break;
      }
      const Field f = FieldOf(tag.name);
      if (f == kNone) continue;  // unknown tags stay in the text and are dropped later
      if (tag.closing) {
        if (f == open) close_field(tag.begin);
        continue;
      }
      close_field(tag.begin);  // a field left open ends where the next begins
      open = f;
      open_at = tag.end;
    }
    const size_t doc_end = closed ? tag.begin : (have_doc ? tag.begin : text.size());
    close_field(doc_end);
    if (!closed) {
      const std::string docno = FieldText(fields[kDocno], LineMode::kJoinLines);
      out.push_back(absl::InvalidArgumentError(
          absl::StrCat(name, ": <DOC> at byte ", doc_begin, " (DOCNO ",
                       docno.empty() ? "missing" : docno, ") is not closed")));
      if (!have_doc) break;
      continue;
    }
    if (doc_end - doc_begin > options.max_article_bytes) {
      out.push_back(absl::InvalidArgumentError(absl::StrFormat(
          "%s: <DOC> at byte %d is %.1f MiB, over the %s limit for one article", name,
          doc_begin, static_cast<double>(doc_end - doc_begin) / (1 << 20),
          MiB(options.max_article_bytes))));
      continue;
    }
    out.push_back(BuildArticle(name, doc_begin, fields, texts));
  }
  if (!any_doc) out.push_back(absl::InvalidArgumentError(absl::StrCat(name, ": no <DOC> found")));
  return out;
}

}  // namespace khabar::article
