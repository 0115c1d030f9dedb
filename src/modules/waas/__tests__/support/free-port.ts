import { execFileSync } from "node:child_process"

/**
 * A free loopback port, found synchronously. The module test runner reads its options when the file is
 * loaded, before any hook runs, so a simulator's address must be known up front.
 */
export function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }))
}
