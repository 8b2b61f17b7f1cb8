// bench/peer-graphile.js URL FILE: the peer of integra-ingest on
// PostgreSQL (issue 25): each line of FILE, a lead's JSON, added as a job
// by graphile-worker's bulk insert (WorkerUtils.addJobs), a thousand a
// call, into the database at URL; prints the seconds the adding took.
"use strict";
const fs = require("fs");
const { makeWorkerUtils } = require("graphile-worker");

async function main() {
	const [url, file] = process.argv.slice(2);
	const lines = fs.readFileSync(file, "utf8").split("\n")
	    .filter((line) => line !== "");
	const utils = await makeWorkerUtils({ connectionString: url });

	await utils.migrate();
	const start = process.hrtime.bigint();
	for (let i = 0; i < lines.length; i += 1000)
		await utils.addJobs(lines.slice(i, i + 1000).map((line) =>
		    ({ identifier: "lead", payload: JSON.parse(line) })));
	const secs = Number(process.hrtime.bigint() - start) / 1e9;
	await utils.release();
	console.log(secs.toFixed(3));
}

main().catch((err) => {
	console.error(`peer-graphile: ${err.message}`);
	process.exit(1);
});
