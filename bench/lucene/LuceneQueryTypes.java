// Lucene 4.10 asked the query types the anchors' LuceneBench does not: every
// word required (BooleanQuery of MUST TermQuerys) and the words as one phrase
// (PhraseQuery over the analysed terms, their position gaps kept). Indexing is
// LuceneBench's (ArabicAnalyzer, BM25(1.2, 0.75), RAMDirectory, one thread,
// 256 MB RAM buffer, forceMerge(1), ids read from BinaryDocValues), so bench/query_types.sh compares Khabar's
// `BENCH_QUERY_MODE=and|phrase` khabar_bench with it on the same files.
//
//   java -cp BUILD:LUCENE_JARS LuceneQueryTypes DOCS.jsonl QUERIES.tsv MODE OUT_LATENCIES
//
// MODE is "or", "and" or "phrase". Writes one latency in ms per timed
// execution (query i of the file is execution i mod the number of queries)
// and prints "queries_with_hits=... index_seconds=..." on stdout. Timing as LuceneBench:
// BENCH_WARMUP_SECONDS (3) of warm-up passes, then passes until both
// BENCH_MIN_PASSES (3) and BENCH_MIN_SECONDS (5), at most BENCH_MAX_PASSES
// (1000); top BENCH_K (10), the ids of the hits read as part of the latency.
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.RAMDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

public class LuceneQueryTypes {
  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  // The JSON string value of `key` in a flat object (the corpus' lines:
  // "id", "title", "body"), with the escapes gen_corpus.py writes.
  static String field(String line, String key) {
    String tag = "\"" + key + "\":";
    int i = line.indexOf(tag);
    if (i < 0) return "";
    i += tag.length();
    while (i < line.length() && line.charAt(i) == ' ') i++;
    if (i >= line.length() || line.charAt(i) != '"') return "";
    StringBuilder out = new StringBuilder();
    for (i++; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') break;
      if (c == '\\' && i + 1 < line.length()) {
        char e = line.charAt(++i);
        switch (e) {
          case 'n': out.append('\n'); break;
          case 't': out.append('\t'); break;
          case 'r': out.append('\r'); break;
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'u':
            out.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
            i += 4;
            break;
          default: out.append(e);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static final class Analysed {
    final List<String> terms = new ArrayList<>();
    final List<Integer> positions = new ArrayList<>();
  }

  static Analysed analyse(Analyzer a, String text) throws Exception {
    Analysed out = new Analysed();
    try (TokenStream ts = a.tokenStream("text", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      int position = -1;
      while (ts.incrementToken()) {
        position += inc.getPositionIncrement();
        out.terms.add(term.toString());
        out.positions.add(position);
      }
      ts.end();
    }
    return out;
  }

  static Query build(Analyzer a, String text, String mode) throws Exception {
    Analysed t = analyse(a, text);
    if (mode.equals("phrase")) {
      PhraseQuery pq = new PhraseQuery();
      for (int i = 0; i < t.terms.size(); i++) pq.add(new Term("text", t.terms.get(i)), t.positions.get(i));
      return pq;
    }
    BooleanQuery bq = new BooleanQuery();
    BooleanClause.Occur occur = mode.equals("and") ? BooleanClause.Occur.MUST : BooleanClause.Occur.SHOULD;
    for (String term : t.terms) bq.add(new TermQuery(new Term("text", term)), occur);
    return bq;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: LuceneQueryTypes DOCS.jsonl QUERIES.tsv or|and|phrase OUT_LATENCIES");
      System.exit(2);
    }
    String mode = args[2];
    if (!mode.equals("or") && !mode.equals("and") && !mode.equals("phrase")) {
      System.err.println("LuceneQueryTypes: MODE must be or, and or phrase, got " + mode);
      System.exit(2);
    }
    Analyzer analyzer = new ArabicAnalyzer();
    RAMDirectory dir = new RAMDirectory();
    IndexWriterConfig cfg = new IndexWriterConfig(Version.LUCENE_4_10_4, analyzer);
    cfg.setSimilarity(new BM25Similarity(1.2f, 0.75f));
    cfg.setRAMBufferSizeMB(256);
    long t0 = System.nanoTime();
    try (IndexWriter w = new IndexWriter(dir, cfg);
         BufferedReader in = new BufferedReader(
             new InputStreamReader(new FileInputStream(args[0]), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) continue;
        Document d = new Document();
        d.add(new StoredField("id", field(line, "id")));
        d.add(new BinaryDocValuesField("id", new BytesRef(field(line, "id"))));
        d.add(new TextField("text", field(line, "title") + "\n" + field(line, "body"), Field.Store.NO));
        w.addDocument(d);
      }
      w.forceMerge(1);
    }
    double indexSeconds = (System.nanoTime() - t0) / 1e9;

    List<String> queries = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(
             new InputStreamReader(new FileInputStream(args[1]), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        int tab = line.indexOf('\t');
        if (tab <= 0) continue;
        queries.add(line.substring(tab + 1));
      }
    }
    DirectoryReader reader = DirectoryReader.open(dir);
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setSimilarity(new BM25Similarity(1.2f, 0.75f));
    BinaryDocValues ids = MultiDocValues.getBinaryValues(reader, "id");  // as LuceneBench
    int k = Integer.parseInt(env("BENCH_K", "10"));
    double warmup = Double.parseDouble(env("BENCH_WARMUP_SECONDS", "3"));
    int minPasses = Integer.parseInt(env("BENCH_MIN_PASSES", "3"));
    double minSeconds = Double.parseDouble(env("BENCH_MIN_SECONDS", "5"));
    int maxPasses = Integer.parseInt(env("BENCH_MAX_PASSES", "1000"));
    long sink = 0, hits = 0;  // hits: queries with at least one match
    long tw = System.nanoTime();
    do {
      for (String q : queries) {
        TopDocs td = searcher.search(build(analyzer, q, mode), k);
        for (ScoreDoc sd : td.scoreDocs) sink += ids.get(sd.doc).length;
      }
    } while ((System.nanoTime() - tw) / 1e9 < warmup);
    List<Double> latencies = new ArrayList<>();
    long tt = System.nanoTime();
    int passes = 0;
    while (passes < maxPasses && (passes < minPasses || (System.nanoTime() - tt) / 1e9 < minSeconds)) {
      for (String q : queries) {
        long s = System.nanoTime();
        TopDocs td = searcher.search(build(analyzer, q, mode), k);
        for (ScoreDoc sd : td.scoreDocs) sink += ids.get(sd.doc).length;
        latencies.add((System.nanoTime() - s) / 1e6);
        if (passes == 0 && td.totalHits > 0) hits++;
      }
      passes++;
    }
    try (PrintWriter out = new PrintWriter(args[3], "UTF-8")) {
      for (double l : latencies) out.println(l);
    }
    System.out.println("mode=" + mode + " queries=" + queries.size() + " passes=" + passes
        + " queries_with_hits=" + hits + " index_seconds=" + indexSeconds + " sink=" + sink);
    reader.close();
  }
}
