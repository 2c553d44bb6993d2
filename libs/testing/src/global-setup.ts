// Prepared once per test run: replaced by the database template setup.
export default function setup(): void {}
