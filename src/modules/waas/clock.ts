/** Where the module reads the time: injected, so tests and the simulator's clock can move it. */
export type Clock = () => Date
