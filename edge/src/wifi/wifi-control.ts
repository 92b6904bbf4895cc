/**
 * What the edge asks of the Wi-Fi layer, kept this small so the tool behind it can change: today nmcli
 * (NetworkManager), the same commands node-wifi issues on Linux (see ./nmcli.ts for why we run them
 * ourselves); tomorrow iw/wpa_supplicant or a D-Bus client, with no change to the survey or the depot link.
 */

/** One access point heard in a scan. Only what channel planning needs: no SSID, no BSSID (a neighbour's MAC). */
export interface ScannedNetwork {
  channel: number;
  frequencyMhz: number;
  /** NetworkManager's signal strength, 0–100 %. */
  signalPct: number;
}

export interface ScanResult {
  networks: ScannedNetwork[];
  /** Lines of the tool's output that could not be read, counted rather than dropped silently. */
  discarded: number;
}

/** The depot's Wi-Fi network, from the config. The PSK is a secret: never logged, never on a command line. */
export interface DepotNetwork {
  ssid: string;
  psk: string;
}

export interface WifiControl {
  /** A fresh scan of the neighbouring networks. */
  scan(): Promise<ScanResult>;
  /** Joins the depot network; resolves once it is up, rejects with a coded WifiError otherwise. */
  join(network: DepotNetwork): Promise<void>;
  /** Leaves the depot network; leaving one that is not up is not an error. */
  leave(): Promise<void>;
  /** True while the depot connection is up on the interface. */
  joined(): Promise<boolean>;
}
