<#
.SYNOPSIS
    Sends this server's federation facts to fedtrust-bot.

.DESCRIPTION
    On an Exchange server: Get-FederationTrust (the certificates the trust holds for the Microsoft
    Federation Gateway, and its own OrgCertificate) and, since 1.1, the Exchange hybrid OAuth facts:
    Get-AuthConfig's Auth certificate slots, the public Auth certificates in this server's store, the
    organisation GUID (the dedicated app is ExchangeServerApp-<guid>), auth servers, the Exchange
    Online partner application, IntraOrganizationConnectors, the two setting overrides of the
    dedicated app, hybrid configured, servers and builds, organization relationships and sharing
    policies. Each cmdlet that fails is reported in `errors` alone; never a private key. On an AD FS server: Get-AdfsProperties
    (AutoCertificateRollover and the rollover thresholds) and Get-AdfsCertificate -CertificateType
    Token-Signing (which certificate is primary). It collects only what the server has, posts it as
    JSON over TLS 1.2 to <BotUrl>/api/collector/snapshots and appends one line per run to the log.

    The bearer token is read from a file that only the task account can read; it is never written
    in this script, on the command line or in the log. Windows PowerShell 5.1 or PowerShell 7.

.EXAMPLE
    schtasks /create /tn "fedtrust collector" /ru SYSTEM /rl HIGHEST /sc hourly /tr "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\ProgramData\FedTrust\Send-FedTrustSnapshot.ps1 -BotUrl https://fedtrust.contoso.com -Organization contoso"
#>
[CmdletBinding()]
param(
    # The bot's base URL (https://…), without /api/collector/snapshots.
    [Parameter(Mandatory = $true)] [string] $BotUrl,
    # A name for this organisation, the same on every Exchange and AD FS server of it.
    [Parameter(Mandatory = $true)] [string] $Organization,
    [string] $TokenFile = "$env:ProgramData\FedTrust\collector.token",
    [string] $LogFile = "$env:ProgramData\FedTrust\collector.log"
)

Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
$CollectorVersion = '1.1'

function Write-Log([string] $Message) {
    "$((Get-Date).ToUniversalTime().ToString('o')) $Message" | Add-Content -Path $LogFile -Encoding UTF8
}

# A certificate as the bot reads it: the DER (RawData) plus the fields admins recognise.
function ConvertTo-CertInfo($Certificate) {
    if ($null -eq $Certificate) { return $null }
    $info = [ordered]@{
        Subject      = [string]$Certificate.Subject
        Issuer       = [string]$Certificate.Issuer
        SerialNumber = [string]$Certificate.SerialNumber
        Thumbprint   = [string]$Certificate.Thumbprint
        NotBefore    = $Certificate.NotBefore
        NotAfter     = $Certificate.NotAfter
    }
    if ($Certificate.RawData) { $info.RawData = [Convert]::ToBase64String($Certificate.RawData) }
    return $info
}

# UTC ISO 8601 for a date this script writes itself: the same in Windows PowerShell 5.1 and 7.
function ConvertTo-UtcIso($Value) {
    if ($null -eq $Value -or "$Value" -eq '') { return $null }
    return ([datetime]$Value).ToUniversalTime().ToString('o')
}

# Runs one collection step; a cmdlet that fails (an old CU, a missing right) is noted, not fatal.
function Invoke-Step([string] $Name, [scriptblock] $Step, $Errors) {
    try { return & $Step }
    catch {
        $text = "$($Name): $($_.Exception.Message)"
        $Errors.Add($text.Substring(0, [Math]::Min(512, $text.Length))) | Out-Null
        return $null
    }
}

# The Exchange hybrid OAuth facts (design/exchange-hybrid.md §2). Public certificates only: the
# certificate objects are reduced to ConvertTo-CertInfo's fields, never exported, never whole.
function Get-ExchangeAuthFacts {
    $errors = New-Object System.Collections.ArrayList
    $ac = Get-AuthConfig
    $auth = [ordered]@{
        authConfig = [ordered]@{
            CurrentCertificateThumbprint  = [string]$ac.CurrentCertificateThumbprint
            PreviousCertificateThumbprint = [string]$ac.PreviousCertificateThumbprint
            NextCertificateThumbprint     = [string]$ac.NextCertificateThumbprint
            NextCertificateEffectiveDate  = ConvertTo-UtcIso $ac.NextCertificateEffectiveDate
            ServiceName                   = [string]$ac.ServiceName
            Realm                         = [string]$ac.Realm
            WhenChangedUTC                = ConvertTo-UtcIso $ac.WhenChangedUTC
        }
    }
    $auth.authCertificates = @(foreach ($slot in 'Current', 'Next', 'Previous') {
            $thumbprint = [string]$ac."$($slot)CertificateThumbprint"
            if ([string]::IsNullOrWhiteSpace($thumbprint)) { continue }
            $c = Invoke-Step "Get-ExchangeCertificate $slot" { Get-ExchangeCertificate -Thumbprint $thumbprint -ErrorAction Stop } $errors
            [ordered]@{
                Slot          = $slot
                Thumbprint    = $thumbprint.ToUpperInvariant()
                FoundOnServer = [bool]$c
                HasPrivateKey = if ($c) { [bool]$c.HasPrivateKey } else { $null }
                Certificate   = ConvertTo-CertInfo $c
            }
        })
    # The organisation GUID exactly as ConfigureExchangeHybridApplication.ps1 names the app.
    $auth.organizationGuid = Invoke-Step 'organization GUID' {
        $config = ([ADSI]'LDAP://RootDSE').configurationNamingContext
        $searcher = New-Object DirectoryServices.DirectorySearcher(
            [ADSI]"LDAP://CN=Microsoft Exchange,CN=Services,$config", '(objectClass=msExchOrganizationContainer)', @('objectGUID'))
        $found = $searcher.FindOne()
        if ($found) { (New-Object Guid (, [byte[]]$found.Properties['objectguid'][0])).Guid } else { $null }
    } $errors
    $auth.authServers = @(Invoke-Step 'Get-AuthServer' {
            Get-AuthServer | Where-Object { "$($_.Type)" -in 'AzureAD', 'MicrosoftACS' } | ForEach-Object {
                [ordered]@{
                    Name                  = [string]$_.Name
                    Type                  = [string]$_.Type
                    Realm                 = [string]$_.Realm
                    Enabled               = [bool]$_.Enabled
                    ApplicationIdentifier = [string]$_.ApplicationIdentifier
                    DomainName            = @($_.DomainName | ForEach-Object { [string]$_ })
                    AuthMetadataUrl       = [string]$_.AuthMetadataUrl
                }
            }
        } $errors)
    $auth.partnerApplications = @(Invoke-Step 'Get-PartnerApplication' {
            Get-PartnerApplication | Where-Object { $_.ApplicationIdentifier -eq '00000002-0000-0ff1-ce00-000000000000' } | ForEach-Object {
                [ordered]@{
                    Name                  = [string]$_.Name
                    ApplicationIdentifier = [string]$_.ApplicationIdentifier
                    Realm                 = [string]$_.Realm
                    Enabled               = [bool]$_.Enabled
                }
            }
        } $errors)
    $auth.intraOrganizationConnectors = @(Invoke-Step 'Get-IntraOrganizationConnector' {
            Get-IntraOrganizationConnector | ForEach-Object {
                [ordered]@{
                    Name                 = [string]$_.Name
                    Enabled              = [bool]$_.Enabled
                    TargetAddressDomains = @($_.TargetAddressDomains | ForEach-Object { [string]$_ })
                    DiscoveryEndpoint    = [string]$_.DiscoveryEndpoint
                }
            }
        } $errors)
    # Only the dedicated app's two overrides: other overrides' parameters are none of our business.
    $auth.settingOverrides = @(Invoke-Step 'Get-SettingOverride' {
            Get-SettingOverride | Where-Object {
                ($_.ComponentName -eq 'Global' -and $_.SectionName -eq 'ExchangeOnpremAsThirdPartyAppId') -or
                ($_.ComponentName -eq 'SettingOverride' -and $_.SectionName -eq 'RouteThroughMSGraph')
            } | ForEach-Object {
                [ordered]@{
                    Name          = [string]$_.Name
                    ComponentName = [string]$_.ComponentName
                    SectionName   = [string]$_.SectionName
                    Parameters    = @($_.Parameters | ForEach-Object { [string]$_ })
                    Server        = @($_.Server | ForEach-Object { [string]$_ })
                }
            }
        } $errors)
    $auth.hybridConfigured = [bool](Invoke-Step 'Get-HybridConfiguration' { Get-HybridConfiguration } $errors)
    # ExSetup's version carries the hotfix level (AdminDisplayVersion shows the CU only).
    $auth.exSetupVersion = Invoke-Step 'ExSetup version' {
        $exSetup = if ($env:ExchangeInstallPath) { Join-Path $env:ExchangeInstallPath 'bin\ExSetup.exe' } else { $null }
        if ($exSetup -and (Test-Path $exSetup)) { [string](Get-Item $exSetup).VersionInfo.ProductVersion } else { $null }
    } $errors
    $auth.exchangeServers = @(Invoke-Step 'Get-ExchangeServer' {
            Get-ExchangeServer | ForEach-Object {
                [ordered]@{
                    Name                = [string]$_.Name
                    AdminDisplayVersion = [string]$_.AdminDisplayVersion
                    ServerRole          = [string]$_.ServerRole
                }
            }
        } $errors)
    $auth.organizationRelationships = @(Invoke-Step 'Get-OrganizationRelationship' {
            Get-OrganizationRelationship | ForEach-Object {
                [ordered]@{
                    Name                  = [string]$_.Name
                    Enabled               = [bool]$_.Enabled
                    DomainNames           = @($_.DomainNames | ForEach-Object { [string]$_ })
                    FreeBusyAccessEnabled = [bool]$_.FreeBusyAccessEnabled
                    MailTipsAccessEnabled = [bool]$_.MailTipsAccessEnabled
                    PhotosEnabled         = [bool]$_.PhotosEnabled
                    DeliveryReportEnabled = [bool]$_.DeliveryReportEnabled
                    ArchiveAccessEnabled  = [bool]$_.ArchiveAccessEnabled
                    TargetApplicationUri  = [string]$_.TargetApplicationUri
                    TargetAutodiscoverEpr = [string]$_.TargetAutodiscoverEpr
                    TargetSharingEpr      = [string]$_.TargetSharingEpr
                }
            }
        } $errors)
    $auth.sharingPolicies = @(Invoke-Step 'Get-SharingPolicy' {
            Get-SharingPolicy | ForEach-Object {
                [ordered]@{
                    Name    = [string]$_.Name
                    Enabled = [bool]$_.Enabled
                    Default = [bool]$_.Default
                    Domains = @($_.Domains | ForEach-Object { [string]$_ })
                }
            }
        } $errors)
    if ($errors.Count -gt 0) { $auth.errors = @($errors | Select-Object -First 20) }
    return $auth
}

# The token file must not be readable by ordinary users (see collector/README.md for the icacls line).
# Compared by SID, so localised names (Jeder, Utilisateurs …) are caught too: Everyone, Users, Authenticated Users.
$OpenSids = @('S-1-1-0', 'S-1-5-32-545', 'S-1-5-11')
function Read-Token {
    $open = (Get-Acl -Path $TokenFile).Access | Where-Object {
        $_.AccessControlType -eq 'Allow' -and
        $OpenSids -contains $_.IdentityReference.Translate([Security.Principal.SecurityIdentifier]).Value
    }
    if ($open) { throw "$TokenFile is readable by $($open[0].IdentityReference): restrict it to the task account" }
    return (Get-Content -Path $TokenFile -Raw).Trim()
}

try {
    $body = [ordered]@{
        organization     = $Organization
        computerName     = $env:COMPUTERNAME
        collectedAt      = (Get-Date).ToUniversalTime().ToString('o')
        collectorVersion = $CollectorVersion
    }

    if (-not (Get-Command Get-FederationTrust -ErrorAction SilentlyContinue)) {
        Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn -ErrorAction SilentlyContinue
    }
    if (Get-Command Get-FederationTrust -ErrorAction SilentlyContinue) {
        $body.federationTrust = @(Get-FederationTrust | ForEach-Object {
            [ordered]@{
                Name                       = [string]$_.Name
                TokenIssuerMetadataEpr     = [string]$_.TokenIssuerMetadataEpr
                TokenIssuerUri             = [string]$_.TokenIssuerUri
                ApplicationUri             = [string]$_.ApplicationUri
                TokenIssuerCertificate     = ConvertTo-CertInfo $_.TokenIssuerCertificate
                TokenIssuerPrevCertificate = ConvertTo-CertInfo $_.TokenIssuerPrevCertificate
                OrgCertificate             = ConvertTo-CertInfo $_.OrgCertificate
                OrgPrevCertificate         = ConvertTo-CertInfo $_.OrgPrevCertificate
                OrgNextCertificate         = ConvertTo-CertInfo $_.OrgNextCertificate
            }
        })
    }

    if (Get-Command Get-AuthConfig -ErrorAction SilentlyContinue) {
        $body.exchangeAuth = Get-ExchangeAuthFacts
    }

    if (Get-Command Get-AdfsProperties -ErrorAction SilentlyContinue) {
        $p = Get-AdfsProperties
        $body.adfsProperties = [ordered]@{
            HostName                       = [string]$p.HostName
            Identifier                     = [string]$p.Identifier
            AutoCertificateRollover        = [bool]$p.AutoCertificateRollover
            CertificateGenerationThreshold = [int]$p.CertificateGenerationThreshold
            CertificatePromotionThreshold  = [int]$p.CertificatePromotionThreshold
            CertificateCriticalThreshold   = [int]$p.CertificateCriticalThreshold
            CertificateDuration            = [int]$p.CertificateDuration
        }
        $body.adfsCertificates = @(Get-AdfsCertificate -CertificateType Token-Signing | ForEach-Object {
            [ordered]@{
                CertificateType = [string]$_.CertificateType
                IsPrimary       = [bool]$_.IsPrimary
                Thumbprint      = [string]$_.Thumbprint
                Certificate     = ConvertTo-CertInfo $_.Certificate
            }
        })
    }

    if (-not ($body.Contains('federationTrust') -or $body.Contains('exchangeAuth') -or $body.Contains('adfsProperties'))) {
        throw 'neither Get-FederationTrust (Exchange) nor Get-AdfsProperties (AD FS) is available on this server'
    }

    $json = $body | ConvertTo-Json -Depth 6 -Compress
    $answer = Invoke-RestMethod -Method Post -Uri "$($BotUrl.TrimEnd('/'))/api/collector/snapshots" `
        -Headers @{ Authorization = "Bearer $(Read-Token)" } `
        -ContentType 'application/json; charset=utf-8' `
        -Body ([Text.Encoding]::UTF8.GetBytes($json)) -TimeoutSec 60
    Write-Log "sent $($answer.organization): $(($answer.kept | ForEach-Object { "$($_.kind) $($_.source)" }) -join ', ')"
    exit 0
}
catch {
    $detail = if ($_.ErrorDetails) { " $($_.ErrorDetails.Message)" } else { '' }
    Write-Log "FAILED: $($_.Exception.Message)$detail"
    exit 1
}
