// Injected by the store's admin bundler at the store's build time, not ours: plugins must not read
// import.meta.env.VITE_*, which would be frozen when the plugin itself is built.
declare const __BACKEND_URL__: string | undefined
declare const __AUTH_TYPE__: "session" | "jwt" | undefined
