// File: convert.h
// -----------------------------------------------------------------------------
// article::Article -> khabar.v1.Article.
#ifndef KHABAR_INGEST_SERVICE_CONVERT_H_
#define KHABAR_INGEST_SERVICE_CONVERT_H_

#include "ingest_service/article/article.h"
#include "khabar/v1/article.pb.h"

namespace khabar::ingest {

v1::Article ToProto(const article::Article& article);

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_CONVERT_H_
