import assert from "node:assert/strict";
import { serverPackageSpecifier } from "./server_command.ts";

Deno.test("serverPackageSpecifier() names the server package at the version this module was loaded from", () => {
  assert.equal(
    serverPackageSpecifier(
      "https://jsr.io/@midishare/transport/0.1.0/client_runtime.ts",
    ),
    "jsr:@midishare/midishare@0.1.0",
  );
  // A mirror named by JSR_URL serves the same paths.
  assert.equal(
    serverPackageSpecifier(
      "http://127.0.0.1:4507/@midishare/transport/1.2.3-rc.1/client_runtime.ts",
    ),
    "jsr:@midishare/midishare@1.2.3-rc.1",
  );
  assert.equal(
    serverPackageSpecifier(
      "file:///home/me/midishare/transport/client_runtime.ts",
    ),
    null,
  );
  assert.equal(
    serverPackageSpecifier("https://example.com/transport/client_runtime.ts"),
    null,
  );
});
