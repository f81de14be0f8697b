#include "follow_log.hpp"

#include <boost/json/serialize.hpp>
#include <sstream>

#include "session/status_json.hpp"
#include "store/time_text.hpp"
#include "units.hpp"

namespace hvrepl {

namespace json = boost::json;

void FollowLog::Event(const hvr::Event& event) {
  Write(hvr::ToJson(event), "event",
        hvr::FormatUtcSeconds(event.time) + " " + event.vm_name + " " + hvr::EventName(event.id) + ": " +
            event.message);
}

void FollowLog::JobEnded(const hvr::Job& job) {
  const hvr::TimePoint ended = job.ended.value_or(job.started);
  std::ostringstream line;
  line << hvr::FormatUtcSeconds(ended) << " " << job.vm_name << " " << hvr::JobTypeName(job.type) << " "
       << hvr::JobStateName(job.state) << " (" << HumanSeconds(ended - job.started) << ")";
  if (job.error) line << ": " << job.error->ToString();
  else if (!job.summary.empty()) line << ": " << job.summary;
  Write(hvr::ToJson(job), "job", line.str());
}

void FollowLog::Write(json::object document, const char* kind, const std::string& line) {
  std::lock_guard lock(mu_);
  if (json_) {
    document["kind"] = kind;
    out_ << json::serialize(document) << std::endl;
  } else {
    out_ << line << std::endl;
  }
}

}  // namespace hvrepl
