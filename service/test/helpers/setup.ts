/**
 * Loaded by mocha before every test file. The SDK warns once per process that Node 20 leaves its support window
 * in 2027; production runs Node 24, and the CI output stays readable without it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The CI runs this suite on two Node versions; say which one this is.
console.log(`service tests on Node ${process.version}`);
