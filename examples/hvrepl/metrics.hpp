// The figures of the VMs `hvrepl run --follow` replicates in Prometheus' text exposition
// format (docs/monitoring.md lists them): what --metrics-listen serves and --metrics-file
// writes. Names follow Prometheus' conventions: the hvr_ prefix, base units (_seconds,
// _bytes), _total for counters, one "vm" label.
#pragma once

#include <string>
#include <vector>

#include "hvr/session_status.hpp"

namespace hvrepl {

std::string PrometheusText(const std::vector<hvr::SessionStatus>& vms);

}  // namespace hvrepl
