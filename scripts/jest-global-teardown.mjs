export default async function globalTeardown() {
  await globalThis.__WAAS_TEST_PG__?.stop()
}
