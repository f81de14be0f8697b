// The JSON views of what a session shows (docs/monitoring.md): output for front ends
// (the C API, the command line), never read back. Values they share with the journal
// are written as journal_json.hpp writes them.
#pragma once

#include <boost/json/object.hpp>

#include "hvr/event.hpp"
#include "hvr/host.hpp"
#include "hvr/operation_reports.hpp"
#include "hvr/recovery_plan.hpp"
#include "hvr/session_status.hpp"
#include "session/journal_json.hpp"

namespace hvr {

// {"id", "name", "vm_name", "time" (Unix seconds), "message"} and the fields of its id
// (docs/monitoring.md).
boost::json::object ToJson(const Event& event);
boost::json::object ToJson(const SessionStatus& status);
// {"vm_name", "point_id", "point_time", "app_consistent", "test", "planned",
//  "disks": [{"name", "location", "virtual_size"}], "settings": {...}}
boost::json::object ToJson(const FailoverVm& vm);
// {"completed", "disks": [{"destination", "method", "bytes_read", "bytes_written"}]}
boost::json::object ToJson(const FailbackReport& report);
// {"point": {...}, "identical", "disks": [{"source", "replica", "identical",
//  "differing_bytes", "first_difference"}]}
boost::json::object ToJson(const VerifyReport& report);
// {"succeeded", "groups_run", "first_error", "vms": [{"group", "vm_name", "result", "vm"}]}
boost::json::object ToJson(const PlanOutcome& outcome);

}  // namespace hvr
