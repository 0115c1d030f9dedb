// The tiers, chosen by TEST_TYPE (scripts/test.mjs runs them in order; see the README):
//   unit     pure logic, no database, no network beyond loopback fakes
//   modules  moduleIntegrationTestRunner specs, other Postgres specs (*.pg.spec.ts), and
//            client-vs-simulator contract specs (*.contract.spec.ts) over real HTTP
//   http     medusaIntegrationTestRunner specs: a whole Medusa booted from this repo's src/
//   browser  the same, plus headless Chromium (playwright-core, CHROMIUM_PATH set by scripts/test.mjs)
//            driving the pages a shopper or an admin sees; screenshots land in .tmp/screenshots/
//   multi    several real Medusa processes (`medusa start`, one worker, the others servers) on one
//            database with Medusa's Redis modules (scripts/redis.mjs starts Redis when REDIS_URL is unset)
const TIERS = {
  unit: {
    testMatch: [
      "**/src/**/__tests__/**/*.unit.spec.ts",
      "**/simulator/**/__tests__/**/*.unit.spec.ts",
    ],
    testTimeout: 15_000,
  },
  modules: {
    testMatch: [
      "**/src/modules/*/__tests__/**/*.spec.ts",
      "**/src/**/__tests__/**/*.pg.spec.ts",
      "**/src/**/__tests__/**/*.contract.spec.ts",
      "**/simulator/**/__tests__/**/*.contract.spec.ts",
    ],
    // a *.unit.spec.ts inside src/modules/*/__tests__ belongs to the unit tier only
    testPathIgnorePatterns: ["/node_modules/", "\\.unit\\.spec\\.ts$"],
    testTimeout: 60_000,
    usesPostgres: true,
  },
  http: {
    testMatch: ["**/integration-tests/http/**/*.spec.ts"],
    // Medusa boots in beforeAll, which counts against this timeout too
    testTimeout: 180_000,
    usesPostgres: true,
  },
  browser: {
    testMatch: ["**/integration-tests/browser/**/*.spec.ts"],
    testTimeout: 180_000,
    usesPostgres: true,
  },
  multi: {
    testMatch: ["**/integration-tests/multi/**/*.spec.ts"],
    // beforeAll migrates, seeds and boots three Medusa processes on 2 shared cores
    testTimeout: 600_000,
    usesPostgres: true,
  },
}

const tierName = process.env.TEST_TYPE
const tier = TIERS[tierName]
if (!tier) {
  throw new Error(`jest.config.js: set TEST_TYPE to one of ${Object.keys(TIERS).join(", ")} (got ${tierName}); or run npm test`)
}
const { usesPostgres, ...tierConfig } = tier

module.exports = {
  transform: {
    "^.+\\.[jt]sx?$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", decorators: true, tsx: true },
          // the same decorator semantics as tsc's experimentalDecorators + emitDecoratorMetadata
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: "automatic" } },
        },
      },
    ],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "tsx", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/"],
  // Reuses the database scripts/test.mjs started (or the one named by DATABASE_URL/DB_HOST);
  // starts an embedded one only when jest is run directly without either.
  ...(usesPostgres && {
    globalSetup: "<rootDir>/scripts/jest-global-setup.mjs",
    globalTeardown: "<rootDir>/scripts/jest-global-teardown.mjs",
  }),
  ...tierConfig,
}
