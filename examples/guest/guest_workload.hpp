// The reference host: a guest workload that writes random blocks to its virtual disks
// through hvr's disk writer while recording every write in Hyper-V Replica Logs with
// hvr's change tracker, exactly as Hyper-V's replication tracker does; and the host
// actions a replication session needs (checkpoints, log rotation, shut down, start).
// Writes are deterministic for a seed; the rate may be fixed or driven by hand.
//
// For tests and demos it also knows the truth: at every rotation (and checkpoint) it
// can record a digest of each disk's whole content, named by the log just closed, so
// that every recovery point can be checked against what the source held at that moment.
//
// Thread-safe: writes, host actions and queries take turns.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hvr/change_tracker.hpp"
#include "hvr/disk_writer.hpp"
#include "hvr/host.hpp"
#include "hvr/manifest.hpp"

namespace hvr::guest {

struct GuestOptions {
  std::vector<std::string> disks;  // existing images, written in place
  uint64_t seed = 1;
  uint32_t block_size = 4096;      // every write is one block at a block-aligned offset
  // Background writes per second once StartWriting is called; 0: only Write and WriteAt.
  double writes_per_second = 200;
  // Whether digests of the disks' content are taken at each rotation and checkpoint
  // (Truth). Each reads every disk whole, seconds for a disk of some GiB, inside the
  // rotation a session waits for: a host that drives benchmarks turns them off.
  bool record_truth = true;
  // Where those digests also go (empty: kept in memory only):
  // <truth_dir>/<log unique id>.digest holds 32 hex digits.
  std::string truth_dir;
  // Stamps the logs' times; null: the system clock. Must outlive the guest.
  const Clock* clock = nullptr;
};

class GuestWorkload final : public HostActions {
 public:
  // Opens the disks for writing and their trackers (logs beside each disk, named as
  // hvr::WithDefaults names them), continuing the log chains already there.
  static Result<std::unique_ptr<GuestWorkload>> Start(GuestOptions options);
  ~GuestWorkload() override;  // stops writing and shuts down

  // Writes `count` blocks now.
  Status Write(size_t count);
  // Writes random data over [0, length) of every disk, 1 MiB at a time: what installing
  // an operating system leaves at the start of a disk.
  Status Fill(uint64_t length);
  // Writes `data` at `offset` of disk `disk` (tracked, like any guest write).
  Status WriteAt(size_t disk, uint64_t offset, std::span<const uint8_t> data);
  // Writes in the background at the configured rate until StopWriting.
  void StartWriting();
  void StopWriting();
  uint64_t writes() const { return writes_.load(); }

  // The digest of each disk's content after the rotation that closed the log with this
  // UniqueId (or the checkpoint that froze it: key "checkpoint-N").
  std::optional<ChunkHash> Truth(const Guid& log_id) const;
  // The digest of a disk's content now.
  Result<ChunkHash> Digest(size_t disk) const;
  bool running() const;

  // Host actions. A checkpoint covers every disk, and answers with the views of those `vm`
  // names (all when it names none): a session protecting some of the guest's disks.
  Result<std::vector<FrozenDisk>> CreateCheckpoint(const HostVm& vm) override;
  Status MergeCheckpoint(const HostVm& vm) override;
  Result<RotateResult> RotateLogs(const HostVm& vm, bool quiesce) override;
  Status ShutdownVm(const HostVm& vm) override;
  Status StartVm(const HostVm& vm) override;
  // Running from Start (or StartVm) until ShutdownVm: while it runs, the disks are open
  // for writing, whether writes happen to be going on or not.
  Result<bool> VmRunning(const HostVm& vm) override;
  // Closes the trackers' logs of the disks `vm` names (every disk when it names none);
  // the guest goes on writing them, untracked, until it is started again (StartVm
  // tracks anew).
  Status StopTracking(const HostVm& vm) override;
  bool tracking() const;

 private:
  struct Disk {
    std::string base;        // the image the VM was configured with
    std::string child;       // the differencing disk of an active checkpoint, or empty
    std::string log_folder, log_name;
    Guid identity;           // what the tracker stamps
    std::unique_ptr<DiskWriter> writer;
    std::unique_ptr<ChangeTracker> tracker;
  };

  explicit GuestWorkload(GuestOptions options) : options_(std::move(options)), random_(options_.seed) {}
  Status Boot();       // opens writers and trackers; mu_ held
  Status Halt();       // closes them (logs closed); mu_ held
  Status StartTracking(Disk& disk);  // a tracker on the disk's live image; mu_ held
  Status WriteLocked(size_t disk, uint64_t offset, std::span<const uint8_t> data);
  Status RecordTruth(const std::string& key, size_t disk);  // mu_ held
  Status SaveIdentity(const Disk& disk) const;
  void WriterLoop();

  const GuestOptions options_;
  mutable std::mutex mu_;
  std::vector<Disk> disks_;
  bool running_ = false;
  uint64_t checkpoints_ = 0;
  std::mt19937_64 random_;
  std::map<std::string, ChunkHash> truth_;
  std::atomic<uint64_t> writes_{0};
  std::atomic<bool> writing_{false};
  std::thread writer_;
};

// XXH3-128 of a disk's whole virtual content.
Result<ChunkHash> DigestOf(const DiskReader& disk);

}  // namespace hvr::guest
