// The reference for the delta-cycle figures of benchmarks/compare_session.sh: writes
// COUNT pages of 4 KiB at random 4 KiB-aligned offsets of an existing page blob with the
// Azure JS SDK (@azure/storage-blob), IN_FLIGHT at a time, each with a transactional
// Content-MD5 as hvr sends it: what any client pays Azurite for scattered writes that do
// not coalesce. Prints one JSON line.
//
//   NODE_PATH=.deps/azure-storage-blob/node_modules node random_pages.cjs \
//       CONNECTION_STRING CONTAINER BLOB COUNT IN_FLIGHT
"use strict";
const { BlobServiceClient } = require("@azure/storage-blob");
const { createHash, randomBytes } = require("node:crypto");

async function main() {
  const [connection, containerName, blobName, countText, inFlightText] = process.argv.slice(2);
  const count = Number(countText);
  const inFlight = Number(inFlightText);
  const PAGE = 4096;
  const blob = BlobServiceClient.fromConnectionString(connection)
    .getContainerClient(containerName)
    .getPageBlobClient(blobName);
  const { contentLength } = await blob.getProperties();
  // The disk, without the VHD footer hvr keeps after it.
  const pages = Math.floor((contentLength - 512) / PAGE);

  const started = process.hrtime.bigint();
  let done = 0;
  async function worker() {
    while (done < count) {
      done += 1;
      const page = randomBytes(PAGE);
      const offset = Math.floor(Math.random() * pages) * PAGE;
      await blob.uploadPages(page, offset, PAGE, { transactionalContentMD5: createHash("md5").update(page).digest() });
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ requests: count, seconds, requests_per_second: count / seconds }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
