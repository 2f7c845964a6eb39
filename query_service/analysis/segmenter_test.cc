#include "query_service/analysis/segmenter.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::analysis {
namespace {

using Spans = std::vector<std::pair<uint32_t, uint32_t>>;

Spans Fast(absl::string_view text) {
  Spans out;
  ForEachWord(text, [&](uint32_t b, uint32_t e) { out.push_back({b, e}); });
  return out;
}

Spans Icu(absl::string_view text) {
  Spans out;
  ForEachWordIcu(text, [&](uint32_t b, uint32_t e) { out.push_back({b, e}); });
  return out;
}

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> out;
  for (auto [b, e] : Fast(text)) out.emplace_back(text.substr(b, e - b));
  return out;
}

TEST(SegmenterTest, ArabicLatinAndDigits) {
  EXPECT_THAT(Words("تُعد وحدات معالجة الرسوميات (GPU) حجر الأساس."),
              ::testing::ElementsAre("تُعد", "وحدات", "معالجة", "الرسوميات", "GPU", "حجر",
                                     "الأساس"));
  EXPECT_THAT(Words("رقاقة H20 وB200 عام ٢٠٢٥م"),
              ::testing::ElementsAre("رقاقة", "H20", "وB200", "عام", "٢٠٢٥م"));
}

TEST(SegmenterTest, JoinersFollowUax29) {
  // Decimal and thousands separators join digits, apostrophes join letters,
  // a comma between words does not.
  EXPECT_THAT(Words("3.5 1,000 ٣٫٥ don't U.S. a,b"),
              ::testing::ElementsAre("3.5", "1,000", "٣٫٥", "don't", "U.S", "a", "b"));
  EXPECT_THAT(Words("Full-Stack «الذكاء» “وي تشات”"),
              ::testing::ElementsAre("Full", "Stack", "الذكاء", "وي", "تشات"));
}

TEST(SegmenterTest, MarksAndFormatControlsStayInsideWords) {
  EXPECT_THAT(Words("الصــين هوا\u200cوي \u064eكلمة"),
              ::testing::ElementsAre("الصــين", "هوا\u200cوي", "كلمة"));
}

TEST(SegmenterTest, OtherScriptsFallBackToIcu) {
  for (absl::string_view text : {"中文分词 和 العربية", "ภาษาไทย والعربية", "emoji 😀 خبر",
                                 "שלום עליכם ومرحبا", "ＧＰＵ رقاقات", "foo_bar خبر"}) {
    EXPECT_EQ(Fast(text), Icu(text)) << text;
  }
}

TEST(SegmenterTest, EdgeCases) {
  for (absl::string_view text : {"", " ", "\n\n", "ـــ", "،", "\u064e", "a", "١", "'a'", "a'",
                                 ".5", "5.", "a..b", "1،2", "a،b", "ك\u200fتاب", "x\u0301y"}) {
    EXPECT_EQ(Fast(text), Icu(text)) << text;
  }
}

// Every code point the fast path handles, in every context that matters for
// UAX #29 (between letters, between digits, at word edges), against ICU.
TEST(SegmenterTest, AgreesWithIcuForEveryFastPathCodePoint) {
  std::string mismatches;
  auto utf8 = [](char32_t c) {
    std::string s;
    if (c < 0x80) {
      s += static_cast<char>(c);
    } else if (c < 0x800) {
      s += static_cast<char>(0xC0 | (c >> 6));
      s += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      s += static_cast<char>(0xE0 | (c >> 12));
      s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (c & 0x3F));
    }
    return s;
  };
  for (char32_t c = 1; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::string x = utf8(c);
    for (const std::string& text :
         {"a" + x + "b", "1" + x + "2", "ب" + x + "ت", "٣" + x + "٤", "a" + x, x + "a", x,
          "a" + x + x + "b", "ab " + x + " cd"}) {
      if (Fast(text) != Icu(text)) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "U+%04X ", static_cast<unsigned>(c));
        mismatches += buf;
        break;
      }
    }
  }
  EXPECT_EQ(mismatches, "");
}

// The fast path must agree with ICU on real text.
TEST(SegmenterTest, AgreesWithIcuOnRealArabicText) {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {KHABAR_SOURCE_DIR "/data/articles", KHABAR_SOURCE_DIR "/../shared/seeds"}) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  }
  const std::filesystem::path arcd = KHABAR_SOURCE_DIR "/../shared/eval/arcd/docs.jsonl";
  if (std::filesystem::exists(arcd)) files.push_back(arcd);
  // More text to compare on, e.g. a decompressed ANT corpus.
  if (const char* extra = std::getenv("KHABAR_SEGMENTER_CORPUS")) files.push_back(extra);
  ASSERT_FALSE(files.empty());
  size_t words = 0;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      const Spans fast = Fast(line);
      const Spans icu = Icu(line);
      if (fast != icu) {
        size_t k = 0;
        while (k < fast.size() && k < icu.size() && fast[k] == icu[k]) ++k;
        const uint32_t at = k < icu.size() ? icu[k].first : (k < fast.size() ? fast[k].first : 0);
        const size_t from = at > 40 ? at - 40 : 0;
        FAIL() << f << ": first difference at byte " << at << " (fast "
               << (k < fast.size() ? line.substr(fast[k].first, fast[k].second - fast[k].first) : "-")
               << " | icu "
               << (k < icu.size() ? line.substr(icu[k].first, icu[k].second - icu[k].first) : "-")
               << ") in: " << line.substr(from, 120);
      }
      words += fast.size();
    }
  }
  // The repository's own sample articles alone hold ~800 words (without
  // ../shared, e.g. in a clone elsewhere); the seeds and ARCD add more.
  EXPECT_GT(words, 500u);
}

}  // namespace
}  // namespace khabar::analysis
