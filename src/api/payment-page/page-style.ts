/**
 * The hosted page's stylesheet, inline (its hash is in the CSP). System fonts only: no web font, no
 * third-party request. Phone first; the card widens to a readable column on a desktop.
 */
export const PAGE_STYLE: string = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#16181d;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:30rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:1.25rem}
.coin{margin:0 0 .25rem;color:#5b616e;font-size:.875rem}
h1{margin:0 0 .35rem;font-size:1.35rem;line-height:1.25}
.detail{margin:0 0 1rem;color:#3b404a}
.row{margin:0 0 .9rem}
.label{display:block;color:#5b616e;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;margin-bottom:.2rem}
.value{display:flex;gap:.5rem;align-items:flex-start}
.value>.text{flex:1;min-width:0}
.amount{font-size:1.3rem;font-weight:650}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92rem;word-break:break-all}
button{flex:none;font:inherit;font-size:.85rem;padding:.35rem .7rem;border:1px solid #c4c8d0;border-radius:8px;background:#fff;color:#16181d;cursor:pointer;min-width:4.5rem}
button:active{background:#eef0f3}
.qr{width:min(15rem,100%);margin:.25rem auto 1rem}
.qr svg{display:block;width:100%;height:auto}
.countdown{text-align:center;color:#3b404a;margin:0 0 1rem}
.countdown strong{font-variant-numeric:tabular-nums}
.figures{display:grid;grid-template-columns:auto 1fr;gap:.2rem .75rem;margin:0 0 1rem;font-size:.95rem}
.figures dt{color:#5b616e}
.figures dd{margin:0;font-variant-numeric:tabular-nums}
.state{border-left:4px solid #8a8f99;padding-left:.75rem}
[data-state=awaiting] .state{border-color:#2f6fed}
[data-state=detected] .state{border-color:#d99a00}
[data-state=underpaid] .state,[data-state=reversed] .state,[data-state=late] .state{border-color:#d45b00}
[data-state=paid] .state,[data-state=overpaid] .state{border-color:#1f9d55}
[data-state=expired] .state,[data-state=canceled] .state{border-color:#8a8f99}
.return{display:block;text-align:center;margin:1rem 0 .25rem;padding:.7rem;border-radius:8px;background:#16181d;color:#fff;text-decoration:none;font-weight:600}
.explorer{display:block;text-align:center;font-size:.85rem;color:#2f5fcc;margin-top:.5rem}
[hidden]{display:none!important}
@media (min-width:48rem){main{padding:3rem 1rem}.card{padding:2rem}h1{font-size:1.6rem}}
`
