import { ExactDecimal, formatDecimal, parseDecimal } from "../../../protocol"
import type { UriScheme } from "./uri-scheme"

export interface PaymentUriInput {
  scheme: UriScheme
  /** the coin's network, lower-case; the URI scheme for BIP21 and plain URIs */
  network: string
  address: string
  memo?: string | null
  /** whole coin units, already rounded to `decimals` */
  amount: string
  decimals: number
  /** EIP-681 only */
  chainId?: number
  /** EIP-681 only: present for an ERC-20 token, absent for ether itself */
  contractAddress?: string
}

/**
 * The string a wallet understands (and a QR code carries) for "pay this amount to this address".
 *
 * - `bip21`  (bitcoin-like): `bitcoin:<addr>?amount=<decimal coins>`
 * - `eip681` ether:          `ethereum:<addr>[@<chainId>]?value=<wei as an integer>`
 *            ERC-20 token:   `ethereum:<contract>[@<chainId>]/transfer?address=<addr>&uint256=<smallest units>`
 * - `plain`  (anything else, our own documented form, not a standard):
 *                            `<network>:<addr>?amount=<decimal coins>[&memo=<memo>]`
 *
 * EIP-681 amounts are integers in the smallest unit; `amount` must therefore have at most `decimals`
 * fraction digits, which the quote guarantees (it rounds up to the coin's decimals).
 */
export function buildPaymentUri(input: PaymentUriInput): string {
  const amount = parseDecimal(input.amount, { maxDecimals: input.decimals })
  switch (input.scheme) {
    case "bip21": {
      // BIP21 has no memo/tag field (bitcoin-like chains do not use one)
      return `${input.network}:${input.address}?amount=${formatDecimal(amount)}`
    }
    case "eip681": {
      const smallest = toSmallestUnits(amount, input.decimals)
      const chain = input.chainId !== undefined ? `@${input.chainId}` : ""
      if (input.contractAddress) {
        return `ethereum:${input.contractAddress}${chain}/transfer?address=${input.address}&uint256=${smallest}`
      }
      return `ethereum:${input.address}${chain}?value=${smallest}`
    }
    case "plain": {
      const query = new URLSearchParams({ amount: formatDecimal(amount) })
      if (input.memo) query.set("memo", input.memo)
      return `${input.network}:${encodeURIComponent(input.address)}?${query.toString()}`
    }
  }
}

/** Whole coins → the integer count of the smallest unit (wei, sat, sun), as a plain digit string. */
export function toSmallestUnits(amount: ExactDecimal, decimals: number): string {
  const scaled = amount.times(new ExactDecimal(10).pow(decimals))
  if (!scaled.isInteger()) throw new RangeError(`amount ${formatDecimal(amount)} has more than ${decimals} decimals`)
  return scaled.toFixed(0)
}

/**
 * Explorer link for an address: `{address}` placeholders are filled in; a bare base URL gets
 * `/address/<addr>` appended (the Etherscan/Blockstream/Tronscan form).
 */
/**
 * The explorer's transaction page, as a template with `{txid}`: a template with `{txid}` as is; an address
 * template's `/address/{address}` becomes `/tx/{txid}`; a base URL gets `/tx/{txid}`. null when it cannot tell.
 */
export function explorerTxTemplate(template: string | undefined | null): string | null {
  if (!template) return null
  if (template.includes("{txid}")) return template
  if (template.includes("/address/{address}")) return template.replace("/address/{address}", "/tx/{txid}")
  if (template.includes("{address}")) return null
  return `${template.replace(/\/+$/, "")}/tx/{txid}`
}

export function buildTxExplorerUrl(template: string | undefined | null, txid: string | null | undefined): string | null {
  const tx = explorerTxTemplate(template)
  if (!tx || !txid) return null
  return tx.split("{txid}").join(encodeURIComponent(txid))
}

export function buildExplorerUrl(template: string | undefined, address: string): string | null {
  if (!template) return null
  if (template.includes("{address}")) return template.split("{address}").join(encodeURIComponent(address))
  if (template.includes("{txid}")) return null
  return `${template.replace(/\/+$/, "")}/address/${encodeURIComponent(address)}`
}
