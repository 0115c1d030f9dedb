/** How a coin's payment URI is written (the QR code and the wallet link): BIP21, EIP-681 or the bare address. */
export const URI_SCHEMES = ["bip21", "eip681", "plain"] as const
export type UriScheme = (typeof URI_SCHEMES)[number]

/** Networks whose wallets understand BIP21 (`<network>:<addr>?amount=`) and EIP-681 (`ethereum:`). */
const BIP21_NETWORKS = new Set(["bitcoin", "litecoin", "bitcoincash", "dogecoin", "dash"])
const EIP681_NETWORKS = new Set(["ethereum"])

export function defaultUriScheme(network: string): UriScheme {
  const n = network.toLowerCase()
  if (BIP21_NETWORKS.has(n)) return "bip21"
  if (EIP681_NETWORKS.has(n)) return "eip681"
  return "plain"
}
