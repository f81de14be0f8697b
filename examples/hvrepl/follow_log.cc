#include "follow_log.hpp"

#include <boost/json/serialize.hpp>

#include "session/session_state.hpp"
#include "store/time_text.hpp"
#include "units.hpp"

namespace hvrepl {

namespace json = boost::json;

void FollowLog::Event(const hvr::Event& event) {
  std::lock_guard lock(mu_);
  if (json_) {
    json::object o = hvr::ToJson(event);
    o["kind"] = "event";
    out_ << json::serialize(o) << std::endl;
    return;
  }
  out_ << hvr::FormatUtcSeconds(event.time) << " " << event.vm_name << " " << hvr::EventName(event.id) << ": "
       << event.message << std::endl;
}

void FollowLog::JobEnded(const hvr::Job& job) {
  std::lock_guard lock(mu_);
  if (json_) {
    json::object o = hvr::ToJson(job);
    o["kind"] = "job";
    out_ << json::serialize(o) << std::endl;
    return;
  }
  const hvr::TimePoint ended = job.ended.value_or(job.started);
  out_ << hvr::FormatUtcSeconds(ended) << " " << job.vm_name << " " << hvr::JobTypeName(job.type) << " "
       << hvr::JobStateName(job.state) << " (" << HumanSeconds(ended - job.started) << ")";
  if (job.error) out_ << ": " << job.error->ToString();
  else if (!job.summary.empty()) out_ << ": " << job.summary;
  out_ << std::endl;
}

}  // namespace hvrepl
