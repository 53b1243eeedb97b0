"""Online and device identifiers and precise location (GDPR Recital 30).

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities import fakes
from privsynth.entities.fakes import faker_method
from privsynth.entities.model import ANY_LANGUAGE, DIRECT, STRONG, EntityType, PatternSpec, RecognizerSpec, register

IP_ADDRESS = register(EntityType(
    name='IP_ADDRESS',
    category=DIRECT,
    display_name='IP address',
    description='An IPv4 or IPv6 address: online identifier (GDPR Recital 30, CJEU C-582/14 Breyer).',
    source='RFC 791 (IPv4), RFC 4291 (IPv6)',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('Ipv4Validated', (PatternSpec('ipv4', r"\b(?:\d{1,3}\.){3}\d{1,3}\b", 0.6),),
                       context=('ip', 'address'), validator='ipv4'),
        RecognizerSpec('Ipv6Validated', (PatternSpec('ipv6', r"(?<![:\w])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?:[0-9A-Fa-f:]*)(?![:\w])", 0.6),),
                       context=('ip', 'ipv6'), validator='ipv6'),
    ),
    presidio=('IpRecognizer',),
    why_own="Presidio's IpRecognizer still runs; ours validates octets and IPv6 groups so that a validated match scores 1.0.",
    header_hints={ANY_LANGUAGE: ('ip', 'ip address', 'ipaddress', 'ipv4', 'ipv6', 'client ip', 'remote addr', 'source ip')},
    digitless=True,
    surrogate='ip',
    fake=faker_method("ipv4"),
))

MAC_ADDRESS = register(EntityType(
    name='MAC_ADDRESS',
    category=DIRECT,
    display_name='MAC address',
    description='A network hardware address: device identifier.',
    source='IEEE 802 (EUI-48)',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('MacAddress', (PatternSpec('mac', r"\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b", 0.7), PatternSpec('mac_dot', r"\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b", 0.6),),
                       context=('mac', 'hardware address'), validator=None),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    header_hints={ANY_LANGUAGE: ('mac', 'mac address', 'macaddress', 'hw address')},
    digitless=True,
    surrogate='mac',
    fake=faker_method("mac_address"),
))

IMEI = register(EntityType(
    name='IMEI',
    category=DIRECT,
    display_name='IMEI',
    description='A mobile handset identity: device identifier.',
    source='3GPP TS 23.003; Luhn check digit',
    strength=STRONG,
    checksum_collides=True,
    specificity=8,
    recognizers=(
        RecognizerSpec('ImeiValidated', (PatternSpec('imei', r"\b\d{2}[- ]?\d{6}[- ]?\d{6}[- ]?\d\b", 0.3),),
                       context=('imei', 'device', 'handset'), validator='imei'),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    header_hints={ANY_LANGUAGE: ('imei', 'device id', 'deviceid', 'device', 'udid', 'advertising id', 'idfa', 'serial number')},
    fake=fakes.imei,
))

UUID = register(EntityType(
    name='UUID',
    category=DIRECT,
    display_name='UUID',
    description="A universally unique identifier used as a key (Presidio's entity name).",
    source='RFC 9562',
    strength=STRONG,
    specificity=7,
    digitless=True,
))

GPS_COORDINATES = register(EntityType(
    name='GPS_COORDINATES',
    category=DIRECT,
    display_name='GPS coordinates',
    description='A latitude/longitude pair precise enough to locate a home.',
    source='ISO 6709',
    strength=STRONG,
    specificity=8,
    recognizers=(
        RecognizerSpec('GpsDecimal', (PatternSpec('latlon', r"(?<![\d.])[+-]?\d{1,2}\.\d{3,}\s*,\s*[+-]?\d{1,3}\.\d{3,}(?![\d.])", 0.6),),
                       context=('gps', 'coordinates', 'lat', 'latitude', 'location'), validator='gps'),
        RecognizerSpec('GpsDms', (PatternSpec('dms', '\\b\\d{1,3}°\\s?\\d{1,2}[\'′]\\s?\\d{1,2}(?:\\.\\d+)?[\\"″]?\\s?[NSEW]\\b', 0.7),),
                       context=('gps', 'coordinates'), validator=None),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    header_hints={ANY_LANGUAGE: ('gps', 'coordinates', 'coords', 'latlong', 'lat long', 'geo', 'geolocation', 'position gps')},
    fake=fakes.gps,
))
