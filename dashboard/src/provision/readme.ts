import { INSTALLER_PATH, TECHNICIAN_USER, UNIT_CONFIG_PATH } from './cloud-init.js';

export interface ReadmeInput {
  unitId: string;
  name: string;
  ssid: string;
  hasSshKey: boolean;
}

/** The technician's sheet, in French, put in the bundle beside the files it talks about. No date: reruns give the same bytes. */
export function renderReadme(input: ReadmeInput): string {
  const { unitId } = input;
  return [
    `Triporteur connecté : carte SD de l'unité ${unitId} (${input.name})`,
    '='.repeat(60),
    '',
    // An SSID may hold a line or paragraph separator; on this sheet it would split the line.
    `Wi-Fi des habitants : « ${input.ssid.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')} »`,
    '',
    'Ce dossier contient :',
    "  user-data        configuration du premier démarrage (contient le mot de passe MQTT de l'unité)",
    '  network-config   réseau : adresse donnée par le routeur 4G (DHCP) ; le Wi-Fi reste à hostapd',
    "  meta-data        identifiant de l'unité pour cloud-init",
    "  triporteur.json  configuration complète de l'unité (même contenu que dans user-data)",
    '  README.txt       cette fiche',
    '',
    'Préparer la carte SD',
    '--------------------',
    '1. Écrire Raspberry Pi OS Lite (64 bits) sur la carte avec Raspberry Pi Imager,',
    '   SANS « personnalisation de l’OS » : Imager écraserait les fichiers ci-dessous.',
    '2. Retirer puis remettre la carte : la partition « bootfs » apparaît.',
    '3. Copier à la racine de « bootfs » le dossier « triporteur » de la version du logiciel',
    `   (il contient install-pi.sh ; l'unité l'exécute depuis ${INSTALLER_PATH}).`,
    '4. Copier à la racine de « bootfs », en remplaçant les fichiers existants :',
    '   user-data, network-config et meta-data.',
    '   Ne pas copier triporteur.json ni README.txt.',
    '5. Éjecter la carte proprement, la mettre dans le Raspberry Pi, brancher eth0 sur le',
    '   routeur 4G (allumé), puis mettre sous tension.',
    '',
    'Premier démarrage',
    '-----------------',
    "Compter 10 à 20 minutes : l'unité installe ses paquets (hostapd, dnsmasq, nftables,",
    `conntrack), écrit sa configuration dans ${UNIT_CONFIG_PATH} puis lance l'installation.`,
    'Dès que la configuration est en place, la copie de user-data sur la carte est remplacée',
    "par une version sans mot de passe : une carte retirée de l'unité ne livre plus le secret.",
    '',
    'Vérifier',
    '--------',
    ...(input.hasSshKey
      ? [`  ssh ${TECHNICIAN_USER}@${unitId}      (clé SSH seulement, pas de mot de passe)`]
      : [
          "  Aucune clé SSH n'a été donnée : personne ne peut se connecter à l'unité.",
          '  Relancer provision avec --ssh-key.',
        ]),
    '  sudo triporteur-edge doctor',
    '',
    'Modifier une unité déjà installée',
    '---------------------------------',
    "cloud-init n'applique ces fichiers qu'une fois par unité. Après un nouveau",
    '« triporteur-dashboard provision » (autre SSID par exemple), soit réécrire la carte',
    '(étapes 1 à 5), soit copier triporteur.json sur l’unité :',
    `  sudo install -m 0600 triporteur.json ${UNIT_CONFIG_PATH}`,
    'puis redémarrer le service.',
    '',
    'Sécurité',
    '--------',
    "Ce dossier contient le secret MQTT de l'unité : le garder sur le poste de la flotte,",
    'jamais dans un courriel ni sur un partage. Relancer provision avec les mêmes options',
    'ne change rien ; pour changer le secret, ajouter --rotate-secret.',
    '',
  ].join('\n');
}
