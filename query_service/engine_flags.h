// File: engine_flags.h
// -----------------------------------------------------------------------------
// The analysis and ranking flags shared by query_service and khabar_eval, so
// both binaries build their search::Engine from the same knobs with the same
// defaults. Linked only into binaries; libraries take EngineOptions.
#ifndef KHABAR_QUERY_SERVICE_ENGINE_FLAGS_H_
#define KHABAR_QUERY_SERVICE_ENGINE_FLAGS_H_

#include "absl/status/statusor.h"
#include "query_service/search/engine.h"

namespace khabar::query {

// Reads --bm25_k1, --bm25_b, --title_weight, --exact_weight, --stem,
// --stopwords, --fold_teh_marbuta, --max_page_size, --near_duplicate_distance; InvalidArgument when out of range.
absl::StatusOr<search::EngineOptions> EngineOptionsFromFlags();

}  // namespace khabar::query

#endif  // KHABAR_QUERY_SERVICE_ENGINE_FLAGS_H_
