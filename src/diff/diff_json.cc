#include <boost/json.hpp>

#include "hvr/chunk_diff.hpp"

namespace hvr {

std::string DiffToJson(const DiffResult& result) {
  namespace json = boost::json;
  json::array runs;
  runs.reserve(result.runs.size());
  for (const DiffRun& run : result.runs) {
    runs.push_back(json::object{{"offset", run.range.offset},
                                {"length", run.range.length},
                                {"kind", DiffKindName(run.kind)}});
  }
  const DiffTotals& t = result.totals;
  const json::object doc{
      {"chunk_size", result.chunk_size},
      {"source_size", result.source_size},
      {"target_size", result.target_size},
      {"identical", result.identical()},
      {"totals",
       json::object{{"chunks", t.chunks},
                    {"differing_chunks", t.differing_chunks},
                    {"runs", t.runs},
                    {"bytes_to_send", t.data_bytes},
                    {"data_bytes", t.data_bytes},
                    {"zero_bytes", t.zero_bytes},
                    {"past_source_end_bytes", t.past_source_end_bytes}}},
      {"runs", std::move(runs)},
  };
  return json::serialize(doc);
}

}  // namespace hvr
