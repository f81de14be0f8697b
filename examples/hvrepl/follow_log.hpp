// What `hvrepl run --follow` writes as replication goes: one line per job that ends (each
// cycle among them) and per event, for people or, with --json, as JSON lines. Sessions run
// on the scheduler's threads: lines never interleave.
#pragma once

#include <boost/json/object.hpp>
#include <mutex>
#include <string>
#include <ostream>

#include "hvr/event.hpp"
#include "hvr/job.hpp"

namespace hvrepl {

class FollowLog {
 public:
  FollowLog(std::ostream& out, bool json) : out_(out), json_(json) {}

  void Event(const hvr::Event& event);
  void JobEnded(const hvr::Job& job);

 private:
  // One line: `document` with its "kind" under --json, else `line`.
  void Write(boost::json::object document, const char* kind, const std::string& line);

  std::mutex mu_;
  std::ostream& out_;
  const bool json_;
};

}  // namespace hvrepl
