// Channel preference (MISSION §3). Frequent contacters — at least N contacts in the window — get
// their preferred channels from their own contact shares, leaving out every channel they have
// complained on. Customer-initiated contacts count for the shares (consultations, transactions,
// complaints, browsing); outbound marketing and care say where the operator reached them, not
// where they like to go. A one-vs-rest ridge logistic classifier on non-contact attributes
// (profile, consumption) learns each frequent contacter's first channel and scores everyone else
// per channel; accuracy is checked on held-out frequent contacters against the share rule.
// model_scores rows: label = channel id, score 0–100 (the share for frequent contacters, the
// normalized class probability for the others).
import { dataEndSql } from '../customers/features.ts';
import type { JobHandle, Progress } from '../jobs/jobs.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { aucOf } from './evaluation.ts';
import { chooseAttributes, designOf, materializeDesign, probabilitySql, provinceTable, pullDesign, rankedCoefficients } from './frame.ts';
import { fitLogistic } from './logistic.ts';
import { type ModelRun, type ModelRunContext, stageTimer, startModelRun } from './runs.ts';
import type { ChannelPreferenceMetrics, ChannelPreferenceRequest } from './types.ts';

// One fit per channel: beyond some tens of thousands of frequent contacters a sample does as well.
const defaults = { minContacts: 10, windowMonths: 3, lambda: 1, holdoutShare: 0.3, maxTrainRows: 25_000, seed: 1 };
/** A channel is a class of its own when at least this many frequent contacters put it first. */
const minPreferredBy = 20;
const customerInitiated = `('consultation', 'transaction', 'complaint', 'browse')`;

/** cp_contacts: per subscriber and channel in the window, all contacts, own contacts and complaints. */
async function contactsInWindow(db: Db, windowMonths: number): Promise<{ from: string; to: string }> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE cp_contacts AS
     SELECT e.subscriber_id, e.channel_id, count(*) AS n,
       count(*) FILTER (WHERE e.event_type IN ${customerInitiated}) AS own,
       count(*) FILTER (WHERE e.event_type = 'complaint') AS complaints
     FROM contact_events e, (SELECT ${dataEndSql} AS data_end) w
     WHERE e.event_time >= w.data_end - to_months(CAST($months AS INTEGER)) AND e.event_time < w.data_end
     GROUP BY ALL`,
    { months: windowMonths },
  );
  const window = await db.one<{ from: string; to: string }>(
    `SELECT strftime(d - to_months(CAST($months AS INTEGER)), '%Y-%m-%d') AS "from", strftime(d - INTERVAL 1 DAY, '%Y-%m-%d') AS "to" FROM (SELECT ${dataEndSql} AS d)`,
    { months: windowMonths },
  );
  return window!;
}

/**
 * cp_shares: each frequent contacter's share of own contacts per channel never complained on,
 * ranked; cp_top: the first channel of each (ties broken by channel id, so runs are repeatable).
 */
async function shareRule(db: Db, minContacts: number): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE cp_shares AS
     WITH frequent AS (SELECT subscriber_id FROM cp_contacts GROUP BY 1 HAVING sum(n) >= $min),
     own AS (
       SELECT c.subscriber_id, c.channel_id, c.own, c.complaints, sum(c.own) OVER (PARTITION BY c.subscriber_id) AS total
       FROM cp_contacts c JOIN frequent USING (subscriber_id)
     )
     SELECT subscriber_id, channel_id, own / total AS share,
       row_number() OVER (PARTITION BY subscriber_id ORDER BY own DESC, channel_id) AS place
     FROM own WHERE complaints = 0 AND own > 0 AND total > 0`,
    { min: minContacts },
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE cp_top AS SELECT subscriber_id, channel_id FROM cp_shares WHERE place = 1`);
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT subscriber_id FROM cp_contacts GROUP BY 1 HAVING sum(n) >= $min)`, { min: minContacts }))!.n;
}

async function dropScratch(db: Db): Promise<void> {
  for (const t of ['cp_contacts', 'cp_shares', 'cp_top', 'cp_classes', 'model_frame', 'model_design', 'cp_pred']) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

export async function trainChannelPreference(
  store: Store,
  request: ChannelPreferenceRequest,
  run: Pick<ModelRunContext, 'runId' | 'progress' | 'log'>,
): Promise<{ metrics: ChannelPreferenceMetrics; dataWindow: unknown }> {
  const minContacts = request.minContacts ?? defaults.minContacts;
  const windowMonths = request.windowMonths ?? defaults.windowMonths;
  const lambda = request.lambda ?? defaults.lambda;
  const holdoutShare = request.holdoutShare ?? defaults.holdoutShare;
  const seed = request.seed ?? defaults.seed;
  const { timingsMs, lap } = stageTimer();
  const table = provinceTable();
  // contact history is what the share rule reads; the classifier must learn from something else
  const attributes = chooseAttributes(table, request.features, (a) => a.group !== 'contact');

  return store.withConnection(async (db) => {
    try {
      run.progress(0.02, 'contact shares');
      const window = await contactsInWindow(db, windowMonths);
      const frequent = await shareRule(db, minContacts);
      const classes = await db.query<{ channel: string; n: number }>(
        `SELECT channel_id AS channel, count(*)::INTEGER AS n FROM cp_top GROUP BY 1 HAVING count(*) >= $min ORDER BY n DESC, channel`,
        { min: minPreferredBy },
      );
      const rare = await db.query<{ channel: string; n: number }>(`SELECT channel_id AS channel, count(*)::INTEGER AS n FROM cp_top GROUP BY 1 HAVING count(*) < $min ORDER BY channel`, { min: minPreferredBy });
      if (classes.length < 2) {
        throw new InvalidInput(
          `Only ${frequent} customers have ${minContacts} or more contacts from ${window.from} to ${window.to}, and fewer than two channels are the first choice of ${minPreferredBy} of them: too little to learn channel preference; lower minContacts or widen the window`,
          { field: 'minContacts' },
        );
      }
      await run.log(`${frequent} frequent contacters (≥ ${minContacts} contacts, ${window.from} to ${window.to}); first channels: ${classes.map((c) => `${c.channel} ${c.n}`).join(', ')}`);
      if (rare.length) await run.log(`first channel of fewer than ${minPreferredBy} frequent contacters, not learnt as a class: ${rare.map((c) => `${c.channel} ${c.n}`).join(', ')}`);
      await db.run(`CREATE OR REPLACE TEMP TABLE cp_classes AS SELECT unnest($channels) AS channel_id, CAST(unnest(range(len($channels))) AS INTEGER) AS idx`, { channels: classes.map((c) => c.channel) });
      await db.run(
        `CREATE OR REPLACE TEMP TABLE model_frame AS
         SELECT *, cls IS NOT NULL AND (hash(id, $seed) % 10000) >= $holdoutCut AS train FROM (
           SELECT ${table.idSql} AS id, k.idx AS cls, t.subscriber_id IS NOT NULL AS frequent${attributes.map((a, i) => `, ${a.sql} AS x${i}`).join('')}
           FROM ${table.from} LEFT JOIN cp_top t ON t.subscriber_id = s.subscriber_id LEFT JOIN cp_classes k ON k.channel_id = t.channel_id)`,
        { seed, holdoutCut: Math.round(holdoutShare * 10000) },
      );
      lap('frame');

      run.progress(0.2, 'standardizing the attributes');
      const design = await designOf(db, 'model_frame', attributes, 'train', false);
      for (const d of design.dropped) await run.log(`left out ${d.feature}: ${d.reason}`);
      if (design.columns.length === 0) throw new InvalidInput('No usable attribute is left', { field: 'features' });
      await materializeDesign(db, 'model_frame', 'model_design', ['cls', 'frequent', 'train'], attributes, design);
      const trainRows = (await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM model_frame WHERE train'))!.n;
      const fitShare = Math.min(1, (request.maxTrainRows ?? defaults.maxTrainRows) / Math.max(1, trainRows));
      const fitWhere = fitShare < 1 ? `train AND (hash(id, ${seed + 1}) % 1000000) < ${Math.floor(fitShare * 1_000_000)}` : 'train';
      const { x, extra } = await pullDesign(db, 'model_design', design.columns.length, fitWhere, ['cls']);
      lap('design');

      run.progress(0.35, 'fitting one classifier per channel');
      const fits = classes.map((c, k) => {
        const y = Float64Array.from(extra[0], (v) => (v === k ? 1 : 0));
        return fitLogistic(x, y, { lambda });
      });
      lap('fit');
      await run.log(`${classes.length} one-vs-rest classifiers on ${x.rows} frequent contacters × ${x.columns.length} columns; iterations ${fits.map((f) => f.iterations).join(', ')}`);

      run.progress(0.6, 'scoring everyone');
      const probabilities = fits.map((f, k) => probabilitySql(f.intercept, f.coefficients, `c${k}_`));
      await db.run(
        `CREATE OR REPLACE TEMP TABLE cp_pred AS SELECT id, cls, frequent, train, ${probabilities.map((p, k) => `${p.sql} AS p${k}`).join(', ')} FROM model_design`,
        Object.assign({}, ...probabilities.map((p) => p.params)),
      );
      lap('score');

      // held-out frequent contacters: the classifier's ranking against the share rule, in JS (a few percent of customers)
      const held = (await db.columns(`SELECT CAST(cls AS DOUBLE), ${classes.map((_, k) => `p${k}`).join(', ')} FROM cp_pred WHERE cls IS NOT NULL AND NOT train`)) as Float64Array[];
      const confusion = new Map<string, number>();
      let hits = 0;
      let top2 = 0;
      for (let i = 0; i < held[0].length; i++) {
        const order = classes.map((_, k) => k).sort((a, b) => held[b + 1][i] - held[a + 1][i]);
        const actual = held[0][i];
        if (order[0] === actual) hits++;
        if (order[0] === actual || order[1] === actual) top2++;
        const key = `${classes[actual].channel}\u0000${classes[order[0]].channel}`;
        confusion.set(key, (confusion.get(key) ?? 0) + 1);
      }
      const holdout = held[0].length;
      const trainedCounts = classes.map((_, k) => extra[0].reduce((n, v) => n + (v === k ? 1 : 0), 0));
      const commonest = trainedCounts.indexOf(Math.max(...trainedCounts));
      const baseline = holdout ? held[0].filter((v) => v === commonest).length / holdout : 0;
      const aucs: number[] = [];
      for (const [k] of classes.entries()) {
        aucs.push(await aucOf(db, `(SELECT CAST(cls = ${k} AS INTEGER) AS y, p${k} AS p FROM cp_pred WHERE cls IS NOT NULL AND NOT train) t`, 'true'));
      }
      const accuracy = holdout ? hits / holdout : 0;
      await run.log(`held-out frequent contacters: ${holdout}; first channel right ${(accuracy * 100).toFixed(1)}% (always ${classes[commonest].channel}: ${(baseline * 100).toFixed(1)}%), in the top two ${((top2 / Math.max(1, holdout)) * 100).toFixed(1)}%`);
      lap('evaluate');

      run.progress(0.75, 'storing scores');
      // frequent contacters keep their own shares; everyone else gets the classifier's normalized probabilities
      await db.run(
        `INSERT INTO model_scores (run_id, subscriber_id, label, score)
         SELECT $run, subscriber_id, channel_id, round(100 * share, 2) FROM cp_shares`,
        { run: run.runId },
      );
      const total = classes.map((_, k) => `p${k}`).join(' + ');
      await db.run(
        `INSERT INTO model_scores (run_id, subscriber_id, label, score)
         SELECT $run, id, unnest($channels), round(100 * unnest([${classes.map((_, k) => `p${k}`).join(', ')}]) / (${total}), 2)
         FROM cp_pred WHERE id NOT IN (SELECT subscriber_id FROM cp_shares)`,
        { run: run.runId, channels: classes.map((c) => c.channel) },
      );
      const scored = (await db.one<{ n: number }>('SELECT count(DISTINCT subscriber_id)::INTEGER AS n FROM model_scores WHERE run_id = $run', { run: run.runId }))!.n;
      lap('store');
      return {
        metrics: {
          minContacts,
          window,
          frequentContacters: frequent,
          trained: x.rows,
          holdout,
          scored,
          accuracy,
          baselineAccuracy: baseline,
          top2Accuracy: holdout ? top2 / holdout : 0,
          channels: classes.map((c, k) => ({ channelId: c.channel, preferredBy: c.n, auc: Number.isFinite(aucs[k]) ? aucs[k] : null, topAttributes: rankedCoefficients(design, fits[k].coefficients).slice(0, 5) })),
          confusion: [...confusion.entries()].map(([key, customers]) => {
            const [actual, predicted] = key.split('\u0000');
            return { actual, predicted, customers };
          }),
          dropped: design.dropped,
          timingsMs,
        },
        dataWindow: { from: window.from, to: window.to, rows: scored },
      };
    } finally {
      await dropScratch(db);
    }
  });
}

export async function startChannelPreference(store: Store, request: ChannelPreferenceRequest, createdBy: string, onProgress?: Progress): Promise<JobHandle<ModelRun> & { runId: number }> {
  // attribute names are checked before a job starts (a 400, not a failed run)
  chooseAttributes(provinceTable(), request.features, (a) => a.group !== 'contact');
  return startModelRun(store, { model: 'channel_preference', target: 'channels', params: request, createdBy }, (run) => trainChannelPreference(store, request, run), onProgress);
}
