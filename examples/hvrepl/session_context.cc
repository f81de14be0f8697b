#include "session_context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <iostream>
#include <mutex>

#include "arguments.hpp"
#include "command.hpp"
#include "control.hpp"
#include "platform/interrupt.hpp"
#include "units.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvrepl {
namespace {

std::string HostFile(const std::string& state_dir) { return hvr::PathIn(state_dir, "hvrepl.json"); }

// The signal thread wakes sleepers through this.
std::mutex g_sleep_mu;
std::condition_variable g_sleep_cv;

}  // namespace

CLI::Option* AddStateDir(CLI::App& app, std::string& dir) {
  return AddText(app, "--state-dir", dir, "the VM's state directory", "DIR")->required();
}

CLI::Option* AddPoint(CLI::App& app, std::string& point, const std::string& what) {
  return AddText(app, "--point", point, what + ": latest, latest-app-consistent, or a point's id (hvrepl points)",
                 "POINT");
}

hvr::Status SaveHost(const std::string& state_dir, const std::string& host) {
  if (!host.empty() && host.rfind("unix:", 0) != 0) {
    return hvr::Error(hvr::Code::kInvalidArgument, "--host must be unix:SOCKET (a reference guest's control socket)");
  }
  return hvr::WriteFileAtomically(HostFile(state_dir), boost::json::serialize(boost::json::object{{"host", host}}) + "\n");
}

hvr::Result<std::unique_ptr<hvr::HostActions>> LoadHost(const std::string& state_dir) {
  auto text = hvr::ReadWholeFile(HostFile(state_dir));
  if (!text.ok() && text.error().code() == hvr::Code::kNotFound) return std::unique_ptr<hvr::HostActions>();
  if (!text.ok()) return std::move(text).error();
  boost::system::error_code ec;
  const auto value = boost::json::parse(*text, ec);
  const auto* host = !ec && value.is_object() ? value.get_object().if_contains("host") : nullptr;
  if (!host || !host->is_string()) return hvr::Error(hvr::Code::kCorruptData, HostFile(state_dir) + ": no host");
  const std::string h(host->get_string());
  if (h.empty()) return std::unique_ptr<hvr::HostActions>();
  return std::unique_ptr<hvr::HostActions>(new hvr::guest::ControlClient(h.substr(5)));
}

StopOnSignals::StopOnSignals() {
  hvr::OnInterrupt([this](const std::string& what) {
    std::cerr << "hvrepl: stopping at the next safe point (" << what << ")\n";
    token_.Cancel();
    g_sleep_cv.notify_all();
  });
}

StopOnSignals& Signals() {
  static StopOnSignals* signals = new StopOnSignals;  // lives as long as its thread
  return *signals;
}

void StopOnSignals::SleepFor(std::chrono::milliseconds duration) const {
  std::unique_lock lock(g_sleep_mu);
  g_sleep_cv.wait_for(lock, duration, [&] { return token_.cancelled(); });
}

hvr::Result<std::unique_ptr<SessionContext>> SessionContext::Create() {
  std::unique_ptr<SessionContext> context(new SessionContext);
  hvr::EngineOptions options;
  options.io_threads = 2;
  options.log = [](hvr::LogLevel level, std::string_view message) {
    if (level >= hvr::LogLevel::kWarning) std::cerr << "hvrepl: " << hvr::LogLevelName(level) << ": " << message << "\n";
  };
  HVR_ASSIGN_OR_RETURN(context->engine_, hvr::Engine::Create(options));
  return context;
}

hvr::SessionOptions SessionContext::OptionsFor(hvr::HostActions* host, bool progress) {
  hvr::SessionOptions options;
  options.host = host;
  options.log = [](hvr::LogLevel level, std::string_view message) {
    if (level >= hvr::LogLevel::kWarning) std::cerr << "hvrepl: " << hvr::LogLevelName(level) << ": " << message << "\n";
  };
  if (progress) {
    // One line per step, and a progress bar while a step reports bytes.
    struct Shown {
      std::string step;
      uint64_t total = 0;
      std::unique_ptr<ProgressBar> bar;
    };
    auto shown = std::make_shared<Shown>();
    options.on_job = [shown](const hvr::Job& job) {
      const std::string now = job.steps.empty() ? std::string() : job.steps.back().name;
      if (now != shown->step || job.state != hvr::JobState::kRunning) {
        if (shown->bar && shown->total) shown->bar->Finish(shown->total);
        shown->bar.reset();
        shown->total = 0;
        shown->step = now;
        if (job.state == hvr::JobState::kRunning && !now.empty()) {
          std::cerr << hvr::JobTypeName(job.type) << ": " << now << "\n";
          shown->bar = std::make_unique<ProgressBar>("  " + now, ProgressBar::StderrIsTerminal());
        }
      }
      if (shown->bar && job.progress_total) {
        shown->total = job.progress_total;
        shown->bar->fn()(job.progress_done, job.progress_total);
      }
    };
  }
  options.on_event = on_event_;
  if (on_job_end_) {
    options.on_job = [shown = std::move(options.on_job), ended = on_job_end_](const hvr::Job& job) {
      if (shown) shown(job);
      if (job.state != hvr::JobState::kRunning) ended(job);
    };
  }
  return options;
}

void SessionContext::Observe(std::function<void(const hvr::Event&)> on_event,
                             std::function<void(const hvr::Job&)> on_job_end) {
  on_event_ = std::move(on_event);
  on_job_end_ = std::move(on_job_end);
}

hvr::Result<hvr::Session*> SessionContext::Open(const std::string& state_dir, bool read_only, bool progress) {
  HVR_ASSIGN_OR_RETURN(auto host, LoadHost(state_dir));
  hvr::HostActions* h = host.get();
  if (host) hosts_.push_back(std::move(host));
  HVR_ASSIGN_OR_RETURN(auto session, hvr::Session::Open(*engine_, state_dir, OptionsFor(h, progress), read_only));
  sessions_.push_back(std::move(session));
  return sessions_.back().get();
}

hvr::Result<hvr::Session*> SessionContext::Protect(const std::string& state_dir, const hvr::ProtectionSettings& settings,
                                                   const std::string& host, bool progress,
                                                   const hvr::ProtectOptions& protect) {
  return Establish(state_dir, host, progress, [&](hvr::SessionOptions options) {
    return hvr::Session::Protect(*engine_, state_dir, settings, protect, std::move(options));
  });
}

hvr::Result<hvr::Session*> SessionContext::Adopt(const std::string& state_dir, const hvr::ProtectionSettings& settings,
                                                 const std::string& host, bool progress,
                                                 const hvr::AdoptOptions& adopt) {
  return Establish(state_dir, host, progress, [&](hvr::SessionOptions options) {
    return hvr::Session::Adopt(*engine_, state_dir, settings, adopt, std::move(options));
  });
}

hvr::Result<hvr::Session*> SessionContext::Establish(const std::string& state_dir, const std::string& host,
                                                     bool progress, const MakeSession& make) {
  std::unique_ptr<hvr::HostActions> actions;
  if (!host.empty()) {
    if (host.rfind("unix:", 0) != 0) {
      return hvr::Error(hvr::Code::kInvalidArgument, "--host must be unix:SOCKET (a reference guest's control socket)");
    }
    actions = std::make_unique<hvr::guest::ControlClient>(host.substr(5));
  }
  hvr::HostActions* h = actions.get();
  if (actions) hosts_.push_back(std::move(actions));
  HVR_ASSIGN_OR_RETURN(auto session, make(OptionsFor(h, progress)));
  HVR_RETURN_IF_ERROR(SaveHost(state_dir, host));
  sessions_.push_back(std::move(session));
  return sessions_.back().get();
}

int WithSession(const std::string& state_dir, bool read_only, bool progress,
                const std::function<int(hvr::Session& session)>& body) {
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  auto session = (*context)->Open(state_dir, read_only, progress);
  if (!session.ok()) return ReportError(session.error());
  return body(**session);
}

Runner ActOnVm(CLI::App& app, bool progress, std::function<int(hvr::Session& session)> act) {
  auto dir = std::make_shared<std::string>();
  AddStateDir(app, *dir);
  return [dir, progress, act] { return WithSession(*dir, false, progress, act); };
}

Runner ChangeVm(CLI::App& app, std::function<int(hvr::Session& session)> act) {
  auto dir = std::make_shared<std::string>();
  AddStateDir(app, *dir);
  return [dir, act] { return WithSession(*dir, true, false, act); };
}

}  // namespace hvrepl
