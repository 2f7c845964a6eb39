#!/usr/bin/env bash
# End-to-end through server reflection, the way a grpcurl user works:
# list services, call Search with an Arabic query (and with typos), Suggest,
# MoreLikeThis, GetArticle, health check.
# `buf curl` (npm @bufbuild/buf) stands in for grpcurl: it also discovers the
# schema through the reflection service, so nothing here uses our .proto files.
#
#   tests/e2e_buf_curl.sh QUERY_SERVICE_BIN INGEST_SERVICE_BIN SOURCE_DIR
set -euo pipefail
query_bin=$1 ingest_bin=$2 src=$3

buf="${BUF:-$src/tools/buf/node_modules/.bin/buf}"
if [ ! -x "$buf" ]; then
  buf=$(command -v buf || true)
fi
if [ -z "$buf" ]; then
  echo "SKIP: buf not installed (scripts/test.sh installs it: npm install --prefix tools/buf @bufbuild/buf)"
  exit 77
fi

work=$(mktemp -d)
qpid=""
ipid=""
cleanup() {
  [ -n "$ipid" ] && kill "$ipid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# start_server NAME BIN ARGS...: sets $addr and $pid_started.
# shellcheck source=scripts/lib/start_server.sh
source "$(dirname "$0")/../scripts/lib/start_server.sh"

start_server query "$query_bin" --listen=127.0.0.1:0
qpid=$pid_started qaddr=$addr
echo "query_service at $qaddr"

curl_grpc() {  # url-path [json]
  local path=$1; shift
  "$buf" curl --protocol grpc --http2-prior-knowledge "$@" "http://$qaddr/$path"
}

# 1. Reflection lists our services and the standard ones.
services=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-services "http://$qaddr")
echo "$services"
for s in khabar.v1.QueryService khabar.v1.IndexService grpc.health.v1.Health; do
  grep -qx "$s" <<<"$services" || fail "reflection does not list $s"
done
methods=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$qaddr")
for m in khabar.v1.QueryService/Search khabar.v1.QueryService/GetArticle khabar.v1.QueryService/Stats \
         khabar.v1.QueryService/Suggest khabar.v1.QueryService/MoreLikeThis; do
  grep -qx "$m" <<<"$methods" || fail "reflection does not list $m"
done

# 2. Health, described through reflection.
health=$(curl_grpc grpc.health.v1.Health/Check -d '{}')
echo "$health"
grep -q '"status": *"SERVING"' <<<"$health" || fail "health check: $health"

# 3. Ingest the repo's sample articles (and the shared seeds when present).
inputs=("$src/data/articles")
[ -d "$src/../shared/seeds" ] && inputs+=("$src/../shared/seeds")
"$ingest_bin" --query_service="$qaddr" "${inputs[@]}" >"$work/ingest.out" 2>"$work/ingest.err" \
  || { cat "$work/ingest.out" "$work/ingest.err" >&2; fail "ingest failed"; }
tail -n1 "$work/ingest.out"

# 4. Search with an Arabic query; the JSON mapping carries hits with id/title/score.
result=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "إنفيديا", "page_size": 3}')
echo "$result"
grep -q '"totalHits"' <<<"$result" || fail "Search returned no totalHits"
top_id=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"][0]["id"])' <<<"$result")
[ -n "$top_id" ] || fail "no hit for إنفيديا"
python3 - "$result" <<'PY' || fail "hits are not in score order or lack fields"
import json, sys
r = json.loads(sys.argv[1])
hits = r["hits"]
assert int(r["totalHits"]) >= len(hits) >= 1
assert all(h["id"] and h["title"] and h["score"] > 0 for h in hits)
assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
PY

# 5. GetArticle returns the same title, and the article mentions the query.
article=$(curl_grpc khabar.v1.QueryService/GetArticle -d "{\"id\": \"$top_id\"}")
python3 - "$result" "$article" <<'PY' || fail "GetArticle does not match the hit"
import json, sys
hit = json.loads(sys.argv[1])["hits"][0]
a = json.loads(sys.argv[2])["article"]
assert a["title"] == hit["title"], (a["title"], hit["title"])
text = a["title"] + " ".join(p["text"] for p in a.get("paragraphs", []))
assert "نفيديا" in text
PY

# 5b. Snippets and highlights in the JSON mapping (camelCase): every hit has a
# passage whose highlights, taken as UTF-16 offsets (what JavaScript would
# use), slice to a word containing نفيديا, and markedText wraps them in tags.
hl=$(curl_grpc khabar.v1.QueryService/Search \
  -d '{"query": "إنفيديا", "page_size": 5, "highlight": {"preTag": "<b>", "postTag": "</b>", "maxSnippets": 2}}')
python3 - "$hl" <<'PY' || fail "snippets/highlights are wrong: $hl"
import json, sys
r = json.loads(sys.argv[1])
assert r["hits"], r
for h in r["hits"]:
    snippets = h["snippets"]
    assert 1 <= len(snippets) <= 2, h
    words = []
    for s in snippets:
        text = s["text"]
        u16 = text.encode("utf-16-le")
        b = text.encode("utf-8")
        marked, at = "", 0
        for x in s.get("highlights", []):
            ub, ue = x.get("utf16Begin", 0), x["utf16End"]
            word = u16[2 * ub:2 * ue].decode("utf-16-le")
            assert word == b[x.get("byteBegin", 0):x["byteEnd"]].decode("utf-8"), (word, x)
            assert "نفيديا" in word, word
            words.append(word)
            marked += u16[2 * at:2 * ub].decode("utf-16-le") + "<b>" + word + "</b>"
            at = ue
        marked += u16[2 * at:].decode("utf-16-le")
        assert s.get("markedText", "") == marked, (s.get("markedText"), marked)
    for x in h.get("titleHighlights", []):
        assert "نفيديا" in h["title"].encode("utf-16-le")[2 * x.get("utf16Begin", 0):2 * x["utf16End"]].decode("utf-16-le")
    assert words or h.get("titleHighlights"), h
print("snippets ok:", r["hits"][0]["snippets"][0].get("markedText"))
PY
off=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "إنفيديا", "highlight": {"enabled": false}}')
grep -q '"snippets"' <<<"$off" && fail "highlight.enabled=false still returned snippets: $off"
if bad=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "إنفيديا", "highlight": {"maxSnippets": 9}}' 2>&1); then
  fail "highlight.maxSnippets=9 was accepted: $bad"
fi
grep -q 'highlight.max_snippets' <<<"$bad" || fail "expected an error naming highlight.max_snippets, got: $bad"

# 6. A malformed request gets INVALID_ARGUMENT with a message, and the server stays up.
if bad=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "", "page_size": 1000000000}' 2>&1); then
  fail "empty query was accepted: $bad"
fi
grep -qi 'invalid_argument\|invalid argument' <<<"$bad" || fail "expected invalid_argument, got: $bad"
curl_grpc khabar.v1.QueryService/Stats -d '{}' | grep -q '"articleCount"' || fail "Stats failed"

# 6b. The query language through reflection: a phrase with explain.
phrase=$(curl_grpc khabar.v1.QueryService/Search \
  -d '{"query": "\"الذكاء الاصطناعي\" -أمريكا", "explain": true, "defaultOperator": "QUERY_OPERATOR_OR"}')
python3 - "$phrase" <<'PY' || fail "phrase query with explain: $phrase"
import json, sys
r = json.loads(sys.argv[1])
assert "PHRASE" in r["parsedQuery"], r["parsedQuery"]
assert r["hits"], "no hits"
for h in r["hits"]:
    assert abs(h["explanation"]["value"] - h["score"]) < 1e-6, h
    assert h["explanation"]["details"]
PY
if bad=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "هواوي (الصين"}' 2>&1); then
  fail "unbalanced parenthesis was accepted: $bad"
fi
grep -q "unbalanced '('" <<<"$bad" || fail "expected the unbalanced '(' message, got: $bad"

# 6c. Filters, facets, sorting and the recency boost (docs/filters.md), on a
# few JSONL articles with sources, categories and publication times.
cat >"$work/news.jsonl" <<'JSONL'
{"id": "f1", "source": "CNBC عربية", "category": "تكنولوجيا", "published_at": "2025-06-20T09:00:00Z", "title": "رقائق مصنع الغد", "body": "رقائق جديدة من مصنع الغد."}
{"id": "f2", "source": "CNBC عربية", "category": "اقتصاد", "published_at": "2025-07-02T10:00:00+03:00", "title": "أسهم مصنع الغد ترتفع", "body": "ارتفعت أسهم مصنع الغد."}
{"id": "f3", "source": "BBC عربي", "category": "اقتصاد", "published_at": "2025-07-10", "title": "مصنع الغد يصدر أكثر", "body": "صادرات مصنع الغد ترتفع."}
JSONL
"$ingest_bin" --query_service="$qaddr" "$work/news.jsonl" >"$work/ingest2.out" 2>&1 \
  || { cat "$work/ingest2.out" >&2; fail "ingest of news.jsonl failed"; }
filtered=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "مصنع الغد",
  "filter": "source = \"CNBC عربية\" AND published_time > \"2025-07-01\"",
  "facets": ["source", "category"]}')
echo "$filtered"
python3 - "$filtered" <<'PY' || fail "filter/facets: $filtered"
import json, sys
r = json.loads(sys.argv[1])
assert [h["id"] for h in r["hits"]] == ["f2"], r["hits"]
assert r["totalHits"] == "1", r
h = r["hits"][0]
assert h["publishedTime"] == "2025-07-02T07:00:00Z", h  # RFC 3339 in UTC
assert h["category"] == "اقتصاد", h
facets = {f["field"]: {v["value"]: v["count"] for v in f["values"]} for f in r["facets"]}
assert facets == {"source": {"CNBC عربية": "1"}, "category": {"اقتصاد": "1"}}, facets
PY
newest=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "مصنع الغد", "orderBy": "published_time desc",
  "recency": {"halfLife": "7d", "origin": "2025-07-11T00:00:00Z"}, "explain": true}')
python3 - "$newest" <<'PY' || fail "order_by/recency: $newest"
import json, sys
r = json.loads(sys.argv[1])
assert [h["id"] for h in r["hits"]][:3] == ["f3", "f2", "f1"], r["hits"]
assert "recency boost" in r["hits"][0]["explanation"]["details"][1]["description"]
PY
listing=$(curl_grpc khabar.v1.QueryService/Search -d '{"filter": "category = \"اقتصاد\""}')
python3 - "$listing" <<'PY' || fail "filter without query: $listing"
import json, sys
r = json.loads(sys.argv[1])
assert [h["id"] for h in r["hits"]] == ["f3", "f2"], r["hits"]
assert r["parsedQuery"] == "ALL", r
PY
if bad=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "مصنع", "filter": "author = \"x\""}' 2>&1); then
  fail "a filter on an unknown field was accepted: $bad"
fi
grep -q "unknown field 'author' at character 1" <<<"$bad" || fail "expected the unknown field message, got: $bad"
if bad=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "مصنع", "orderBy": "date"}' 2>&1); then
  fail "order_by date was accepted: $bad"
fi
grep -qi 'invalid_argument\|invalid argument' <<<"$bad" || fail "expected invalid_argument for order_by, got: $bad"

# 6d. Typo tolerance: a misspelled word finds the olive harvest article.
typo=$(curl_grpc khabar.v1.QueryService/Search \
  -d '{"query": "الزيتوون", "typoTolerance": {"enabled": true}, "pageSize": 3}')
python3 - "$typo" <<'PY' || fail "typo tolerance: $typo"
import json, sys
r = json.loads(sys.argv[1])
assert r["hits"][0]["id"] == "k3_olive_harvest", r["hits"][0]["id"]
assert "FUZZY(الزيتوون" in r["parsedQuery"], r["parsedQuery"]
PY
if bad=$(curl_grpc khabar.v1.QueryService/Search \
    -d '{"query": "الزيتوون", "typoTolerance": {"enabled": true, "oneTypoMinLetters": 99}}' 2>&1); then
  fail "typoTolerance.oneTypoMinLetters=99 was accepted: $bad"
fi
grep -q 'typo_tolerance.one_typo_min_letters' <<<"$bad" || fail "expected an error naming the field, got: $bad"

# 6e. Suggest: search-as-you-type completes the last word after the first.
sug=$(curl_grpc khabar.v1.QueryService/Suggest -d '{"prefix": "الذكاء ال", "pageSize": 5}')
echo "$sug"
python3 - "$sug" <<'PY' || fail "Suggest: $sug"
import json, sys
s = json.loads(sys.argv[1])["suggestions"]
assert s[0]["text"] == "الذكاء الاصطناعي" and s[0]["kind"] == "SUGGESTION_KIND_TERM", s[0]
assert int(s[0]["count"]) >= 1
assert len(s) <= 5
PY
titles=$(curl_grpc khabar.v1.QueryService/Suggest -d '{"prefix": "موجة ح", "kinds": ["SUGGESTION_KIND_TITLE"]}')
grep -q '"articleId": *"k7_desert_weather"' <<<"$titles" || fail "title suggestion: $titles"
if bad=$(curl_grpc khabar.v1.QueryService/Suggest -d '{"prefix": ""}' 2>&1); then
  fail "empty prefix was accepted: $bad"
fi
grep -qi 'invalid_argument\|invalid argument' <<<"$bad" || fail "expected invalid_argument, got: $bad"

# 6e. MoreLikeThis: related articles of one article, never itself.
mlt=$(curl_grpc khabar.v1.QueryService/MoreLikeThis -d '{"id": "k2_china_ai_race", "pageSize": 3}')
python3 - "$mlt" <<'PY' || fail "MoreLikeThis: $mlt"
import json, sys
r = json.loads(sys.argv[1])
ids = [h["id"] for h in r["hits"]]
assert ids and "k2_china_ai_race" not in ids, ids
assert r["parsedQuery"].startswith("OR"), r["parsedQuery"]
assert all(h["score"] > 0 for h in r["hits"])
PY
if bad=$(curl_grpc khabar.v1.QueryService/MoreLikeThis -d '{"id": "no_such_article"}' 2>&1); then
  fail "unknown id was accepted: $bad"
fi
grep -qi 'not_found\|not found' <<<"$bad" || fail "expected not_found, got: $bad"

# 7. ingest_service serves IngestService with reflection too.
start_server ingest "$ingest_bin" --listen=127.0.0.1:0 --query_service="$qaddr"
ipid=$pid_started iaddr=$addr
content=$(printf 'خبر عن المكتبات\nافتتحت المدينة مكتبة عامة جديدة تضم آلاف الكتب.\n' | base64 -w0)
ing=$("$buf" curl --protocol grpc --http2-prior-knowledge \
  -d "{\"documents\": [{\"name\": \"library.txt\", \"content\": \"$content\"}]}" \
  "http://$iaddr/khabar.v1.IngestService/IngestDocuments")
echo "$ing"
grep -q '"acceptedCount": *"1"' <<<"$ing" || fail "IngestDocuments: $ing"
found=$(curl_grpc khabar.v1.QueryService/Search -d '{"query": "مكتبة"}')
grep -q '"id": *"library"' <<<"$found" || fail "document sent to IngestService is not searchable: $found"

echo "PASS: reflection workflow (list, health, Search, snippets, filters, facets, GetArticle, errors, IngestService)"

echo "PASS: reflection workflow (list, health, Search, snippets, GetArticle, errors, typos, Suggest, MoreLikeThis, IngestService)"
