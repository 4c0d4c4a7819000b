// Mocha's spec output, then one closing line CI reads: "N passed, N failed[, N skipped]".
'use strict';
const { Spec } = require('mocha').reporters;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes = 0, failures = 0, pending = 0 } = runner.stats || {};
      process.stdout.write(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`);
    });
  }
}

module.exports = SummaryReporter;
