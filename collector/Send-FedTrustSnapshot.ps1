<#
.SYNOPSIS
    Sends this server's federation facts to fedtrust-bot.

.DESCRIPTION
    On an Exchange server: Get-FederationTrust (the certificates the trust holds for the Microsoft
    Federation Gateway, and its own OrgCertificate). On an AD FS server: Get-AdfsProperties
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
$CollectorVersion = '1.0'

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

    if (-not ($body.Contains('federationTrust') -or $body.Contains('adfsProperties'))) {
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
