// File: parse_options.h
// -----------------------------------------------------------------------------
// Knobs shared by the article parsers (plain text, TREC, JSON Lines).
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_PARSE_OPTIONS_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_PARSE_OPTIONS_H_

#include <cstddef>

namespace khabar::article {

struct ParseOptions {
  // A plain-text file is one article; a bigger file is rejected before it is
  // read ("x.txt: file is 50.0 MiB, over the 8 MiB limit for one article").
  // TREC <DOC>s and JSONL lines are held to the same limit one by one.
  size_t max_article_bytes = size_t{8} << 20;
};

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_PARSE_OPTIONS_H_
