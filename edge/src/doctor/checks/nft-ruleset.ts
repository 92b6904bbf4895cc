import { hotspotConfigOf } from '../../hotspot/edge-config.js';
import { renderRuleset, TABLE_FAMILY, TABLE_NAME } from '../../hotspot/system/ruleset.js';
import type { DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, firstLine, notConfigured, pass } from '../result.js';
import { shapeDifferences, shapeOfListing, shapeOfRuleset } from './nft-shape.js';
import { runTool } from './tool.js';

const ID = 'nft-ruleset';
const TABLE = `${TABLE_FAMILY} ${TABLE_NAME}`;
const RESTART =
  "`systemctl restart triporteur-edge` : l'edge recharge sa table au démarrage. Ne pas modifier le pare-feu à la main.";

class ListingError extends Error {}
const unreadable = (what: string): never => {
  throw new ListingError(what);
};

/**
 * The captive firewall as the kernel holds it, against what this config renders (renderRuleset): the
 * table missing means residents are neither redirected nor let through; a different outline means
 * someone edited it, or an older edge loaded it.
 */
export const nftRulesetCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: `Règles du pare-feu (table ${TABLE})`,
  async run(context) {
    const section = context.config.hotspot;
    if (!section) return notConfigured(ID, 'pas de hotspot dans la configuration');
    const answer = await runTool(context, 'nft', ['-j', 'list', 'table', TABLE_FAMILY, TABLE_NAME]);
    if (!answer.ok) return fail(ID, DoctorCode.NFT_MISSING, answer.detail, answer.fix);
    const { result } = answer;
    if (result.code !== 0) {
      // "Error: No such file or directory" on stderr, exit 1: the table is not there.
      if (/No such file or directory/.test(result.stderr)) {
        return fail(ID, DoctorCode.NFT_MISSING, `la table ${TABLE} est absente`, RESTART);
      }
      return fail(
        ID,
        DoctorCode.NFT_MISSING,
        `nft refuse la lecture : ${firstLine(result.stderr) || `code ${result.code}`}`,
        'Lancer doctor en root (nft a besoin de CAP_NET_ADMIN).',
      );
    }
    const expected = shapeOfRuleset(renderRuleset(hotspotConfigOf(section)));
    let differences: string[];
    try {
      differences = shapeDifferences(expected, shapeOfListing(result.stdout, unreadable));
    } catch (err) {
      if (!(err instanceof ListingError)) throw err;
      return fail(ID, DoctorCode.NFT_DRIFT, `sortie de nft illisible : ${err.message}`, RESTART);
    }
    if (differences.length === 0) {
      const rules = [...expected.chains.values()].reduce((n, chain) => n + chain.rules, 0);
      return pass(ID, `table conforme à la configuration : ${expected.chains.size} chaînes, ${rules} règles`);
    }
    const shown = differences.slice(0, 4).join(' ; ');
    const more = differences.length > 4 ? ` (et ${differences.length - 4} autre(s))` : '';
    return fail(ID, DoctorCode.NFT_DRIFT, `la table diffère de la configuration : ${shown}${more}`, RESTART);
  },
};
