import { describeWaasCode } from "../src/protocol"

/** A WaaS business error: becomes an encrypted `{code,msg}` answer. */
export class SimWaasError extends Error {
  readonly code: string
  constructor(code: string, detail?: string) {
    super(detail ? `${describeWaasCode(code)}: ${detail}` : describeWaasCode(code))
    this.name = "SimWaasError"
    this.code = code
  }
}

/** A control-API misuse (unknown record, forbidden transition, bad input): becomes an HTTP status on /_control. */
export class SimControlError extends Error {
  readonly status: number
  constructor(status: 400 | 404 | 409, message: string) {
    super(message)
    this.name = "SimControlError"
    this.status = status
  }
}
