#!/usr/bin/env bash
# Keeps the dependency rules of docs/design.md true: the domain libraries
# (analysis, index, search, article) never see gRPC or generated protos, and
# analysis does not depend on index or search. Prints each violation.
set -u
src=${1:-$(dirname "$0")/..}
cd "$src" || exit 2
status=0
violation() { echo "layering: $1"; status=1; }

for dir in query_service/analysis query_service/index query_service/search query_service/storage ingest_service/article common/base; do
  while IFS= read -r hit; do
    violation "$hit (no gRPC or generated protos below the service layer)"
  done < <(grep -nE '#include "(grpc|grpcpp)/|#include ".*\.pb\.h"' "$dir"/*.h "$dir"/*.cc 2>/dev/null)
done
while IFS= read -r hit; do
  violation "$hit (analysis must not depend on index or search)"
done < <(grep -nE '#include "query_service/(index|search)/' query_service/analysis/*.h query_service/analysis/*.cc 2>/dev/null)
while IFS= read -r hit; do
  violation "$hit (index must not depend on search)"
done < <(grep -nE '#include "query_service/search/' query_service/index/*.h query_service/index/*.cc 2>/dev/null)
while IFS= read -r hit; do
  violation "$hit (ingest and query services share code only through common/ and proto/)"
done < <(grep -rnE '#include "query_service/' ingest_service 2>/dev/null; grep -rnE '#include "ingest_service/' query_service 2>/dev/null)
while IFS= read -r hit; do
  violation "$hit (flags belong in main.cc only)"
done < <(grep -rlE 'ABSL_FLAG\(|absl::GetFlag' --include=*.cc --include=*.h common query_service ingest_service | grep -vE '(main|_main|_flags)\.cc$')

[ $status -eq 0 ] && echo "layering: ok"
exit $status
