// The reference for benchmarks/compare_upload.sh: uploads a disk image to a page blob
// with the Azure JS SDK (@azure/storage-blob), uploadPages in 4 MiB pages with a given
// number of requests in flight, the way hvrepl upload sends it. CHECKSUM "md5" sends a
// transactional Content-MD5 with every page, as hvr does; "none" sends none (the SDK's
// default). Prints one JSON line.
//
//   NODE_PATH=.deps/azure-storage-blob/node_modules node upload_pages.cjs \
//       CONNECTION_STRING CONTAINER BLOB IMAGE IN_FLIGHT CHECKSUM
// CommonJS, so that NODE_PATH finds the project-local SDK.
"use strict";
const { BlobServiceClient } = require("@azure/storage-blob");
const { open } = require("node:fs/promises");
const { createHash } = require("node:crypto");

async function main() {
  const [connection, containerName, blobName, imagePath, inFlightText, checksum] = process.argv.slice(2);
  const inFlight = Number(inFlightText);
  const MiB = 1024 * 1024;
  const PAGE = 4 * MiB;

  const service = BlobServiceClient.fromConnectionString(connection);
  const container = service.getContainerClient(containerName);
  const image = await open(imagePath, "r");
  const { size } = await image.stat();
  const virtualSize = Math.ceil(size / MiB) * MiB;

  const started = process.hrtime.bigint();
  await container.createIfNotExists();
  const blob = container.getPageBlobClient(blobName);
  await blob.create(virtualSize + 512);  // the disk and room for a VHD footer, as hvr does

  let next = 0;
  let sent = 0;
  let requests = 0;
  async function worker() {
    const buffer = Buffer.alloc(PAGE);
    for (;;) {
      const offset = next;
      next += PAGE;
      if (offset >= size) return;
      const { bytesRead } = await image.read(buffer, 0, Math.min(PAGE, size - offset), offset);
      const length = Math.ceil(bytesRead / 512) * 512;
      buffer.fill(0, bytesRead, length);
      const page = buffer.subarray(0, length);
      const options =
        checksum === "md5" ? { transactionalContentMD5: createHash("md5").update(page).digest() } : {};
      await blob.uploadPages(page, offset, length, options);
      sent += length;
      requests += 1;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await image.close();
  console.log(JSON.stringify({ bytes_sent: sent, requests, seconds, bytes_per_second: sent / seconds }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
