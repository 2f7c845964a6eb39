#include "ingest_service/convert.h"

namespace khabar::ingest {
namespace {

v1::ParagraphKind ToProto(article::ParagraphKind kind) {
  switch (kind) {
    case article::ParagraphKind::kLead:
      return v1::PARAGRAPH_KIND_LEAD;
    case article::ParagraphKind::kHeading:
      return v1::PARAGRAPH_KIND_HEADING;
    case article::ParagraphKind::kBody:
      return v1::PARAGRAPH_KIND_BODY;
    case article::ParagraphKind::kQuote:
      return v1::PARAGRAPH_KIND_QUOTE;
  }
  return v1::PARAGRAPH_KIND_UNSPECIFIED;
}

v1::SourceFormat ToProto(article::SourceFormat format) {
  switch (format) {
    case article::SourceFormat::kPlainText:
      return v1::SOURCE_FORMAT_PLAIN_TEXT;
    case article::SourceFormat::kTrec:
      return v1::SOURCE_FORMAT_TREC;
    case article::SourceFormat::kJsonl:
      return v1::SOURCE_FORMAT_JSONL;
  }
  return v1::SOURCE_FORMAT_UNSPECIFIED;
}

}  // namespace

v1::Article ToProto(const article::Article& a) {
  v1::Article out;
  out.set_id(a.id);
  out.set_source(a.source);
  out.set_title(a.title);
  for (const article::Paragraph& p : a.paragraphs) {
    v1::Paragraph* q = out.add_paragraphs();
    q->set_kind(ToProto(p.kind));
    q->set_text(p.text);
  }
  out.set_url(a.url);
  out.set_category(a.category);
  if (a.published_time.has_value()) {
    const int64_t nanos = absl::ToUnixNanos(*a.published_time);
    out.mutable_published_time()->set_seconds(nanos / 1000000000);
    out.mutable_published_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  }
  out.set_content_hash(a.content_hash);
  out.set_origin(a.origin);
  out.set_source_format(ToProto(a.format));
  return out;
}

}  // namespace khabar::ingest
