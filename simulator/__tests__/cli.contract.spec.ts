import { spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { encryptEnvelope, decryptEnvelope, generateWaasKeyPair } from "../../src/protocol"
import type { CliSettings } from "../cli"

/** The `waas-simulator` binary as a store developer runs it: a real child process from the checkout. */
const BIN = path.join(__dirname, "..", "bin.cjs")

interface Running {
  child: ChildProcess
  settings: CliSettings
  exited: Promise<number | null>
}

function run(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "--port", "0", "--json", "--quiet", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let out = ""
    let err = ""
    child.stderr?.on("data", (c: Buffer) => (err += c.toString()))
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString()
      const nl = out.indexOf("\n")
      if (nl >= 0) resolve({ child, settings: JSON.parse(out.slice(0, nl)) as CliSettings, exited })
    })
    void exited.then((code) => reject(new Error(`exited with ${code} before printing settings: ${err}`)))
  })
}

async function stop(r: Running): Promise<number | null> {
  r.child.kill("SIGTERM")
  return r.exited
}

describe("waas-simulator CLI", () => {
  it("--state-dir keeps the generated app_id, keys and control token across restarts, readable by its user only", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waas-sim-state-"))
    try {
      const first = await run(["--state-dir", dir])
      expect(await stop(first)).toBe(0)
      expect(fs.statSync(path.join(dir, "keys.json")).mode & 0o777).toBe(0o600)
      const second = await run([], { WAAS_SIM_STATE_DIR: dir })
      try {
        for (const key of ["appId", "walletPublicKey", "merchantPublicKey", "merchantPrivateKey", "controlToken"] as const) {
          expect({ key, same: second.settings[key] === first.settings[key] }).toEqual({ key, same: true })
        }
        // the kept key still signs for the kept app id
        const data = encryptEnvelope(JSON.stringify({ time: Date.now(), email: "kept@shop.test" }), second.settings.merchantPrivateKey as string)
        const res = await fetch(`${second.settings.url}${second.settings.pathPrefix}/user/registerEmail`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ app_id: second.settings.appId, data }).toString(),
        })
        const outer = (await res.json()) as { data: string }
        expect(JSON.parse(decryptEnvelope(outer.data, second.settings.walletPublicKey))).toMatchObject({ code: "0" })
      } finally {
        expect(await stop(second)).toBe(0)
      }
      // a flag still wins over the kept value
      const third = await run(["--state-dir", dir, "--app-id", "flag-app"])
      expect(third.settings.appId).toBe("flag-app")
      expect(await stop(third)).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)

  it("starts from the checkout, prints the store settings, serves the WaaS with a demo merchant key, and stops on SIGTERM", async () => {
    const r = await run(["--app-id", "cli-app"], { WAAS_SIM_CONTROL_TOKEN: "from-env" })
    try {
      expect(r.settings).toMatchObject({ appId: "cli-app", pathPrefix: "/api/v2", controlToken: "from-env", controlUrl: `${r.settings.url}/_control` })
      expect(r.settings.merchantPrivateKey).toBeTruthy()
      const info = (await (await fetch(`${r.settings.controlUrl}/info`)).json()) as { walletPublicKey: string }
      expect(info.walletPublicKey).toBe(r.settings.walletPublicKey)
      // the printed merchant private key works against the printed WaaS settings
      const data = encryptEnvelope(JSON.stringify({ time: Date.now(), email: "cli@shop.test" }), r.settings.merchantPrivateKey as string)
      const res = await fetch(`${r.settings.url}${r.settings.pathPrefix}/user/registerEmail`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ app_id: "cli-app", data }).toString(),
      })
      const outer = (await res.json()) as { data: string }
      expect(JSON.parse(decryptEnvelope(outer.data, r.settings.walletPublicKey))).toMatchObject({ code: "0", data: { uid: 10001 } })
    } finally {
      expect(await stop(r)).toBe(0)
    }
  }, 20_000)

  it("uses a given merchant public key and prints no private key", async () => {
    const pair = generateWaasKeyPair()
    const r = await run(["--merchant-public-key", pair.publicKey, "--notify-url", "http://127.0.0.1:9/n"])
    try {
      expect(r.settings.merchantPrivateKey).toBeUndefined()
      expect(r.settings).toMatchObject({ merchantPublicKey: pair.publicKey, notifyUrl: "http://127.0.0.1:9/n" })
    } finally {
      expect(await stop(r)).toBe(0)
    }
  }, 20_000)
})
